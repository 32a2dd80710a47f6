using Plexus.Policy;

namespace Plexus.Datapath.Policy;

/// <summary>Where the agent's policy controller programs compiled endpoint policy (PolicyMaps; a fake in tests).</summary>
public interface IPolicyDatapath
{
    /// <summary>
    /// Makes endpoint <paramref name="endpointId"/>'s programmed policy equal to <paramref name="entries"/> with the
    /// given per-direction defaults. Idempotent; writes only the difference. Entries are written before default deny
    /// is switched on and stale entries are removed after it, so the datapath never drops more than the old or the new
    /// state would. When the endpoint cannot be programmed (map full) nothing of the new state is applied and the
    /// endpoint keeps its previous entries with default deny wherever the new state asks for it; the result says so.
    /// </summary>
    PolicySyncResult Sync(int endpointId, IReadOnlyList<PolicyEntry> entries, DirectionPolicy ingress, DirectionPolicy egress);

    /// <summary>Removes everything programmed for an endpoint (its state first, then its entries).</summary>
    PolicySyncResult Remove(int endpointId);

    /// <summary>Endpoint ids with programmed policy (also those adopted from the pinned maps at construction).</summary>
    IReadOnlyCollection<int> Endpoints { get; }

    /// <summary>Entry counts, for status and metrics.</summary>
    PolicyMapCounts Counts { get; }

    /// <summary>The rules behind a rule id carried by flow events (<c>CiliumNetworkPolicy/x/web rule#0 ingress#1</c>, …); null when unknown.</summary>
    IReadOnlyList<string>? DescribeRule(uint ruleId);
}
