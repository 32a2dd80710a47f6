using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct lb_service_key</c>: a frontend (address, port, protocol); address 0 with the node-port flag = every node address.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LbServiceKey
{
    /// <summary>Frontend address.</summary>
    public Addr16 Address;

    /// <summary>Frontend port (network order).</summary>
    public ushort Port;

    /// <summary>IP protocol number.</summary>
    public byte Protocol;

    /// <summary>4 or 6.</summary>
    public byte Family;
}
