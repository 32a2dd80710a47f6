using System.Diagnostics.CodeAnalysis;

namespace Plexus.Model.State;

/// <summary>Identity numbering (REFERENCE.md "Identities"): reserved numbers, per-cluster allocation ranges and the reserved labels.</summary>
public static class IdentityNumbers
{
    /// <summary>First number given to label identities in a cluster-local range (128–255 are left for users).</summary>
    public const uint FirstAllocatable = 256;

    /// <summary>Highest cluster id (bits 16–23).</summary>
    public const int MaxClusterId = 255;

    /// <summary>Bit 24: node-local identities (CIDR/FQDN-derived), never sent on the wire.</summary>
    public const uint LocalScopeFlag = 1u << 24;

    /// <summary>Source of reserved labels (<c>reserved:host</c>).</summary>
    public const string ReservedSource = "reserved";

    /// <summary>First number allocated for label identities in cluster <paramref name="clusterId"/>: <c>clusterId &lt;&lt; 16 + 256</c>.</summary>
    public static uint FirstAllocated(int clusterId) => ((uint)CheckClusterId(clusterId) << 16) + FirstAllocatable;

    /// <summary>Last number allocated for label identities in cluster <paramref name="clusterId"/>: <c>(clusterId + 1) &lt;&lt; 16 − 1</c>.</summary>
    public static uint LastAllocated(int clusterId) => (((uint)CheckClusterId(clusterId) + 1) << 16) - 1;

    /// <summary>The cluster id encoded in bits 16–23 of <paramref name="identity"/>.</summary>
    public static int ClusterIdOf(uint identity) => (int)((identity >> 16) & 0xFF);

    /// <summary>True for the numbers below 256 that are never allocated for labels (reserved and user-reserved).</summary>
    public static bool IsReserved(uint identity) => identity < FirstAllocatable;

    /// <summary>True for node-local identities (bit 24).</summary>
    public static bool IsLocalScope(uint identity) => (identity & LocalScopeFlag) != 0;

    /// <summary>The label name of a reserved identity (<c>host</c>, <c>remote-node</c>, …).</summary>
    public static string LabelName(ReservedIdentity identity) => identity switch
    {
        ReservedIdentity.Unknown => "unknown",
        ReservedIdentity.Host => "host",
        ReservedIdentity.World => "world",
        ReservedIdentity.Unmanaged => "unmanaged",
        ReservedIdentity.Health => "health",
        ReservedIdentity.Init => "init",
        ReservedIdentity.RemoteNode => "remote-node",
        ReservedIdentity.KubeApiServer => "kube-apiserver",
        ReservedIdentity.Ingress => "ingress",
        _ => throw new ArgumentOutOfRangeException(nameof(identity), identity, "not a reserved identity"),
    };

    /// <summary>Finds the reserved identity with label name <paramref name="name"/>.</summary>
    public static bool TryParseLabelName(string name, [NotNullWhen(true)] out ReservedIdentity? identity)
    {
        foreach (var candidate in Enum.GetValues<ReservedIdentity>())
        {
            if (string.Equals(LabelName(candidate), name, StringComparison.Ordinal))
            {
                identity = candidate;
                return true;
            }
        }

        identity = null;
        return false;
    }

    private static int CheckClusterId(int clusterId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clusterId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clusterId, MaxClusterId);
        return clusterId;
    }
}
