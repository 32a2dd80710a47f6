using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct lb_affinity</c>: the backend a client sticks to.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LbAffinity
{
    /// <summary>Backend id.</summary>
    public uint BackendId;

    /// <summary>Last use, seconds since boot.</summary>
    public uint LastUsed;
}
