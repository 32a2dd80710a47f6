using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Datapath.Policy;
using Plexus.Datapath.Tests.Support;
using Plexus.Policy;

namespace Plexus.Datapath.Tests;

/// <summary>PolicyMaps against the real pinned maps: diffing, removal, adoption after a restart, and a full map.</summary>
[Trait("Category", "Privileged")]
public sealed class PolicyMapsTests : IDisposable
{
    private static readonly DirectionPolicy Enforced = new(true, false, ["test"]);
    private readonly DatapathUnderTest _dp = new();

    public void Dispose() => _dp.Dispose();

    [Fact]
    public void Sync_writes_only_the_difference_and_is_idempotent()
    {
        var policy = _dp.Policy;
        var first = policy.Sync(7, [Entry(2000, 80), Entry(2000, 81), Entry(3000, 80)], Enforced, DirectionPolicy.Open);
        Assert.Equal((3, 0, 0, true), (first.Added, first.Updated, first.Removed, first.Succeeded));
        Assert.True(policy.Sync(7, [Entry(2000, 80), Entry(2000, 81), Entry(3000, 80)], Enforced, DirectionPolicy.Open).Unchanged);

        var second = policy.Sync(7, [Entry(2000, 80), Entry(2000, 81, EntryVerdict.Deny), Entry(4000, 80)], Enforced, DirectionPolicy.Open);

        Assert.Equal((1, 1, 1), (second.Added, second.Updated, second.Removed));
        Assert.Equal(3, _dp.Map(MapNames.Policy).GetKeys<PolicyMapKey>().Count());
        var state = _dp.Map(MapNames.PolicyState).Lookup<uint, PolicyState>(7u)!.Value;
        Assert.Equal(DatapathConstants.PolicyEnforced | DatapathConstants.PolicyHasEntries, state.Ingress);
        Assert.Equal(0, state.Egress);
        Assert.Equal(new PolicyMapCounts(1, 3, DatapathUnderTest.PolicyMapEntries, 0), policy.Counts);
    }

    [Fact]
    public void Removing_an_endpoint_removes_its_entries_and_state_and_leaves_the_others()
    {
        var policy = _dp.Policy;
        policy.Sync(7, [Entry(2000, 80), Entry(2000, 81)], Enforced, Enforced);
        policy.Sync(8, [Entry(2000, 80)], Enforced, DirectionPolicy.Open);

        var result = policy.Remove(7);

        Assert.Equal(2, result.Removed);
        Assert.All(_dp.Map(MapNames.Policy).GetKeys<PolicyMapKey>(), k => Assert.Equal(8, k.EndpointId));
        Assert.Null(_dp.Map(MapNames.PolicyState).Lookup<uint, PolicyState>(7u));
        Assert.Equal([8], policy.Endpoints);
        Assert.True(policy.Remove(7).Unchanged);
    }

    [Fact]
    public void A_restarted_agent_adopts_the_programmed_entries()
    {
        _dp.Policy.Sync(7, [Entry(2000, 80), Entry(2000, 81)], Enforced, DirectionPolicy.Open);

        var restarted = new PolicyMaps(_dp.Map(MapNames.Policy), _dp.Map(MapNames.PolicyState));

        Assert.Equal([7], restarted.Endpoints);
        Assert.Equal(2, restarted.Counts.Entries);
        var result = restarted.Sync(7, [Entry(2000, 80)], Enforced, DirectionPolicy.Open);
        Assert.Equal((0, 1, 1), (result.Added, result.Updated, result.Removed)); // the rule id is new in this process
        Assert.Single(_dp.Map(MapNames.Policy).GetKeys<PolicyMapKey>());
    }

    [Fact]
    public void A_policy_that_does_not_fit_is_refused_whole_and_the_endpoint_denies_instead_of_allowing()
    {
        var policy = _dp.Policy;
        var filler = Enumerable.Range(0, policy.Capacity - 10).Select(i => Entry((uint)(10000 + (i >> 16)), i & 0xffff)).ToList();
        Assert.True(policy.Sync(1, filler, Enforced, DirectionPolicy.Open).Succeeded);
        policy.Sync(2, [Entry(2000, 80)], DirectionPolicy.Open, DirectionPolicy.Open);

        var result = policy.Sync(2, Enumerable.Range(1, 20).Select(p => Entry(2000, p)).ToList(), Enforced, Enforced);

        Assert.Equal(PolicySyncError.MapFull, result.Error);
        Assert.Contains("endpoint 2 needs 20 policy entries", result.Message, StringComparison.Ordinal);
        Assert.Contains("16384", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, policy.EntriesOf(2));
        var state = _dp.Map(MapNames.PolicyState).Lookup<uint, PolicyState>(2u)!.Value;
        Assert.Equal(DatapathConstants.PolicyEnforced, state.Ingress & DatapathConstants.PolicyEnforced);
        Assert.Equal(DatapathConstants.PolicyEnforced, state.Egress & DatapathConstants.PolicyEnforced);
        Assert.Equal(1, policy.Counts.Failed);

        // Room again: the next sync applies the whole policy.
        policy.Remove(1);
        var retry = policy.Sync(2, Enumerable.Range(1, 20).Select(p => Entry(2000, p)).ToList(), Enforced, Enforced);
        Assert.True(retry.Succeeded, retry.Message);
        Assert.Equal(0, policy.Counts.Failed);
    }

    [Fact]
    public void Map_keys_use_the_shortest_prefix_for_any_protocol_and_network_order_ports()
    {
        var any = PolicyMaps.KeyOf(3, new PolicyKey(PolicyDirection.Egress, 5, IpProtocols.Any, PortPrefix.All));
        var range = PolicyMaps.KeyOf(3, new PolicyKey(PolicyDirection.Ingress, 5, IpProtocols.Tcp, new PortPrefix(80, 14)));

        Assert.Equal((56u, (byte)0, (ushort)0), (any.PrefixLength, any.Protocol, any.DestinationPort));
        Assert.Equal((78u, (byte)6, (ushort)0x5000), (range.PrefixLength, range.Protocol, range.DestinationPort));
    }

    private static PolicyEntry Entry(uint identity, int port, EntryVerdict verdict = EntryVerdict.Allow) =>
        new(new PolicyKey(PolicyDirection.Ingress, identity, IpProtocols.Tcp, PortPrefix.Single(port)), verdict, 0, [$"NetworkPolicy/x/p ingress#{port % 3}"]);
}
