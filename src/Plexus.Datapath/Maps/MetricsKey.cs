using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct metrics_key</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct MetricsKey
{
    /// <summary>Drop reason, 0 = forwarded.</summary>
    public byte Reason;

    /// <summary>1 ingress, 2 egress.</summary>
    public byte Direction;

    private ushort _pad;
}
