using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct metrics_value</c> (per CPU).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct MetricsValue
{
    /// <summary>Packets.</summary>
    public ulong Packets;

    /// <summary>Bytes.</summary>
    public ulong Bytes;
}
