using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct lb_backend</c>: where a backend is.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LbBackend
{
    /// <summary>Backend address.</summary>
    public Addr16 Address;

    /// <summary>Backend port (network order).</summary>
    public ushort Port;

    /// <summary>IP protocol number.</summary>
    public byte Protocol;

    /// <summary>Reserved flags.</summary>
    public byte Flags;
}
