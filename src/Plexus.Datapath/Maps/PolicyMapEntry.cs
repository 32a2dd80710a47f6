using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct policy_entry</c>: what a policy map entry does.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PolicyMapEntry
{
    /// <summary><see cref="DatapathConstants.PolicyAllow"/> or <see cref="DatapathConstants.PolicyDeny"/>.</summary>
    public byte Verdict;

    private byte _pad;

    /// <summary>L7 proxy port (host order; 0 = none).</summary>
    public ushort ProxyPort;

    /// <summary>Which rules produced the entry (<see cref="Policy.PolicyMaps.DescribeRule"/>), reported in flow events.</summary>
    public uint RuleId;
}
