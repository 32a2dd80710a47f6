using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct lb_affinity_key</c>: a client of a ClientIP-affinity service.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LbAffinityKey
{
    /// <summary>Client address.</summary>
    public Addr16 Client;

    /// <summary>Service id.</summary>
    public uint ServiceId;

    /// <summary>4 or 6.</summary>
    public byte Family;

    private byte _pad0;
    private byte _pad1;
    private byte _pad2;
}
