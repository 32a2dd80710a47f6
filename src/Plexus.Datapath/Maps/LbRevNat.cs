using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct lb_revnat</c>: the frontend a service's replies come from (address 0: the node's address).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LbRevNat
{
    /// <summary>Frontend address.</summary>
    public Addr16 Address;

    /// <summary>Frontend port (network order).</summary>
    public ushort Port;

    private ushort _pad;
}
