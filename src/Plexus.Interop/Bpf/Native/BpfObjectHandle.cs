using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

/// <summary>Owns a libbpf <c>struct bpf_object *</c>; releasing it closes every map and program fd of the object.</summary>
internal sealed class BpfObjectHandle : SafeHandle
{
    /// <summary>Takes ownership of an object returned by bpf_object__open_file.</summary>
    public BpfObjectHandle(nint obj)
        : base(invalidHandleValue: 0, ownsHandle: true) => SetHandle(obj);

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        Libbpf.ObjectClose(handle);
        return true;
    }
}
