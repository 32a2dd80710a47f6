using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>ring_buffer__new(): maps the BPF_MAP_TYPE_RINGBUF and registers the callback; returns a <c>struct ring_buffer *</c>, or NULL with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__new", SetLastError = true)]
    internal static partial nint RingBufferNew(int mapFd, delegate* unmanaged<void*, void*, nuint, int> sampleCallback, void* context, void* options);

    /// <summary>ring_buffer__free(): unmaps and frees the ring buffer (not the map); no return value.</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__free")]
    internal static partial void RingBufferFree(nint ring);

    /// <summary>ring_buffer__consume(): runs the callback for every available record without waiting; returns the count, or a negative errno (also a callback's negative return).</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__consume")]
    internal static partial int RingBufferConsume(nint ring);

    /// <summary>ring_buffer__epoll_fd(): returns the ring buffer's internal epoll fd (owned by the ring buffer), readable when records are pending.</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__epoll_fd")]
    internal static partial int RingBufferEpollFd(nint ring);
}
