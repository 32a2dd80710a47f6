using System.Runtime.InteropServices;

namespace Plexus.Interop.Namespaces;

/// <summary>libc calls for namespaces and mounts; all return -1 with errno set on failure.</summary>
internal static partial class NamespaceNative
{
    public const int CloneNewNet = 0x40000000;
    public const int OReadOnly = 0;
    public const int OCreate = 0x40;
    public const int OExclusive = 0x80;
    public const int OCloExec = 0x80000;
    public const ulong MsBind = 0x1000;
    public const ulong MsRec = 0x4000;
    public const ulong MsShared = 1 << 20;
    public const int MntDetach = 2;
    public const int Enoent = 2;
    public const int Eexist = 17;
    public const int Einval = 22;

    /// <summary>open(2): a new fd, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    /// <summary>close(2): 0, or -1 (the fd is released either way).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>unlink(2): 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    /// <summary>setns(2): moves the calling thread into the namespace of <paramref name="fd"/>; 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(SafeHandle fd, int namespaceType);

    /// <summary>unshare(2): gives the calling thread new namespaces of the <paramref name="flags"/> kinds; 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    /// <summary>mount(2): 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, nint data);

    /// <summary>umount2(2): 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Umount2(string target, int flags);
}
