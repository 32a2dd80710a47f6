using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

/// <summary>Owns a file descriptor (a BPF map/program fd from bpf_obj_get, an eventfd) and closes it on release.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public FileDescriptorHandle(int fd)
        : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    /// <inheritdoc />
    public override bool IsInvalid => handle < 0;

    /// <summary>The descriptor number; only meaningful while the handle is leased or otherwise kept alive.</summary>
    public int Fd => (int)handle;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
