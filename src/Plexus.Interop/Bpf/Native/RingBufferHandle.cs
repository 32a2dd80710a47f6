using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

/// <summary>Owns a libbpf <c>struct ring_buffer *</c>, the GC handle its callback context points to, and a reference on the map's owner.</summary>
internal sealed class RingBufferHandle : SafeHandle
{
    private readonly GCHandle _context;
    private readonly SafeHandle _mapOwner;

    /// <summary>Takes ownership of <paramref name="ring"/>, <paramref name="context"/> and one reference already added on <paramref name="mapOwner"/>; all are released after the ring is freed.</summary>
    public RingBufferHandle(nint ring, GCHandle context, SafeHandle mapOwner)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        _context = context;
        _mapOwner = mapOwner;
        SetHandle(ring);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        Libbpf.RingBufferFree(handle);
        _context.Free();
        _mapOwner.DangerousRelease();
        return true;
    }
}
