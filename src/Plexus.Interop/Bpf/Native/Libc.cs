using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

/// <summary>The few libc calls the BPF layer needs: fds, bpffs mounting, eventfd/poll for the ring buffer thread, vsnprintf for libbpf logs.</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    /// <summary>BPF_FS_MAGIC, the <c>f_type</c> statfs reports for bpffs.</summary>
    internal const long BpfFsMagic = 0xcafe4a11;

    /// <summary>POLLIN: data to read.</summary>
    internal const short PollIn = 0x001;

    /// <summary>EFD_CLOEXEC for eventfd(2).</summary>
    internal const int EventFdCloseOnExec = 0x80000;

    /// <summary>Mirror of <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    /// <summary>close(2): returns 0, or -1 with errno set (the fd is released either way on Linux).</summary>
    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    /// <summary>unlink(2): returns 0, or -1 with errno set (ENOENT when the path does not exist).</summary>
    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Unlink(string path);

    /// <summary>mount(2): returns 0, or -1 with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mount(string source, string target, string fileSystemType, nuint flags, void* data);

    /// <summary>statfs(2) into a caller buffer (f_type is the first long); returns 0, or -1 with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatFs(string path, void* buffer);

    /// <summary>eventfd(2): returns a new fd, or -1 with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initialValue, int flags);

    /// <summary>write(2): returns the number of bytes written, or -1 with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buffer, nuint count);

    /// <summary>poll(2): returns the number of ready fds, 0 on timeout, or -1 with errno set (EINTR on signals).</summary>
    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>vsnprintf(3): formats into the buffer (truncating) and returns the length the full string needs, or a negative value on error.</summary>
    [LibraryImport(Library, EntryPoint = "vsnprintf")]
    internal static partial int VsnPrintf(byte* buffer, nuint size, byte* format, nint arguments);
}
