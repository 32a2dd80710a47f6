using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.Ipam;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>Block claims and pod address allocation over the in-memory store.</summary>
public sealed class IpamTests : IAsyncLifetime
{
    private static readonly Cidr PodCidr = Cidr.Parse("10.1.0.0/16");
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryStore _store;

    /// <summary>Creates the store.</summary>
    public IpamTests()
    {
        _store = new InMemoryStore(_time);
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_node_claims_the_first_free_block_and_the_key_names_its_owner()
    {
        var claim = await Blocks("n1").ClaimAsync();

        Assert.Equal(BlockClaimStatus.Claimed, claim.Status);
        Assert.True(claim.Succeeded);
        Assert.Equal(Cidr.Parse("10.1.0.0/24"), claim.Block);
        var stored = await _store.GetAsync("plexus/ipam/c1/10.1.0.0_24");
        Assert.NotNull(stored);
        var record = IpamBlockRecord.FromJson(stored.Value);
        Assert.Equal(("n1", "c1", "10.1.0.0/24"), (record?.Node, record?.Cluster, record?.Cidr));
        Assert.Equal(0, stored.Lease);
    }

    [Fact]
    public async Task A_restarted_agent_gets_its_own_block_back()
    {
        var first = await Blocks("n1").ClaimAsync();
        await Blocks("n2").ClaimAsync();

        var again = await Blocks("n1").ClaimAsync(); // a new allocator, as after a restart

        Assert.Equal(BlockClaimStatus.Reused, again.Status);
        Assert.Equal(first.Block, again.Block);
        Assert.Equal(2, (await _store.ListAsync("plexus/ipam/c1/")).Items.Count);
    }

    [Fact]
    public async Task Two_nodes_get_different_blocks()
    {
        var n1 = await Blocks("n1").ClaimAsync();
        var n2 = await Blocks("n2").ClaimAsync();

        Assert.Equal(Cidr.Parse("10.1.0.0/24"), n1.Block);
        Assert.Equal(Cidr.Parse("10.1.1.0/24"), n2.Block);
    }

    [Fact]
    public async Task Claims_report_exhaustion_as_a_value()
    {
        var small = Cidr.Parse("10.2.0.0/23");
        Assert.True((await Blocks("n1", small).ClaimAsync()).Succeeded);
        Assert.True((await Blocks("n2", small).ClaimAsync()).Succeeded);

        var third = await Blocks("n3", small).ClaimAsync();

        Assert.Equal(BlockClaimStatus.Exhausted, third.Status);
        Assert.False(third.Succeeded);
        Assert.Null(third.Block);
        Assert.Contains("10.2.0.0/23", third.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Releasing_a_block_frees_it_and_its_addresses_and_only_the_owner_may()
    {
        var block = (await Blocks("n1").ClaimAsync()).Block!.Value;
        using var addresses = Addresses("n1", block);
        await addresses.AllocateAsync("x/a");

        Assert.False(await Blocks("n2").ReleaseAsync(block));
        Assert.True(await Blocks("n1").ReleaseAsync(block));

        Assert.Empty((await _store.ListAsync("plexus/ipam/c1/")).Items);
        Assert.Empty((await _store.ListAsync("plexus/ipam-addresses/c1/n1/")).Items);
        Assert.Equal(block, (await Blocks("n3").ClaimAsync()).Block);
    }

    [Fact]
    public async Task Blocks_of_other_clusters_are_separate()
    {
        var c1 = await Blocks("n1").ClaimAsync();
        var c2 = await new BlockAllocator(_store, "c2", "n1", PodCidr, 24, _time, NullLogger<BlockAllocator>.Instance).ClaimAsync();

        Assert.Equal(BlockClaimStatus.Claimed, c2.Status);
        Assert.Equal(c1.Block, c2.Block);
    }

    [Fact]
    public async Task The_gateway_is_the_first_address_and_pods_count_up_from_the_second()
    {
        using var addresses = Addresses("n1", Cidr.Parse("10.1.3.0/24"));

        var a = await addresses.AllocateAsync("x/a");
        var b = await addresses.AllocateAsync("x/b");

        Assert.Equal(IPAddress.Parse("10.1.3.1"), addresses.Gateway);
        Assert.Equal(253, addresses.Capacity);
        Assert.Equal((AddressAllocationStatus.Allocated, IPAddress.Parse("10.1.3.2")), (a.Status, a.Address));
        Assert.Equal(IPAddress.Parse("10.1.3.3"), b.Address);
        var stored = await _store.GetAsync("plexus/ipam-addresses/c1/n1/10.1.3.2");
        Assert.NotNull(stored);
        Assert.Equal("x/a", IpamAddressRecord.FromJson(stored.Value)?.Owner);
        Assert.Equal(0, stored.Lease);
    }

    [Fact]
    public async Task Allocation_is_idempotent_per_owner()
    {
        using var addresses = Addresses("n1", Cidr.Parse("10.1.3.0/24"));
        var first = await addresses.AllocateAsync("x/a");

        var again = await addresses.AllocateAsync("x/a");

        Assert.Equal(AddressAllocationStatus.Existing, again.Status);
        Assert.Equal(first.Address, again.Address);
        Assert.Single(await addresses.ListAsync());
    }

    [Fact]
    public async Task Released_addresses_are_reused_lowest_first()
    {
        using var addresses = Addresses("n1", Cidr.Parse("10.1.3.0/24"));
        await addresses.AllocateAsync("x/a");
        await addresses.AllocateAsync("x/b");
        await addresses.AllocateAsync("x/c");

        Assert.True(await addresses.ReleaseAsync(IPAddress.Parse("10.1.3.3")));
        Assert.False(await addresses.ReleaseAsync(IPAddress.Parse("10.1.3.3")));
        Assert.Equal(1, await addresses.ReleaseOwnerAsync("x/a"));

        Assert.Equal(IPAddress.Parse("10.1.3.2"), (await addresses.AllocateAsync("x/d")).Address);
        Assert.Equal(IPAddress.Parse("10.1.3.3"), (await addresses.AllocateAsync("x/e")).Address);
        Assert.Equal(IPAddress.Parse("10.1.3.5"), (await addresses.AllocateAsync("x/f")).Address);
    }

    [Fact]
    public async Task Allocations_read_the_nodes_addresses_once_and_then_only_create()
    {
        var store = new InterceptingStore(_store);
        using var addresses = new PodAddressAllocator(store, "c1", "n1", Cidr.Parse("10.1.3.0/24"), _time, NullLogger<PodAddressAllocator>.Instance);
        await addresses.AllocateAsync("x/a");
        await addresses.AllocateAsync("x/b");
        Assert.True(await addresses.ReleaseAsync(IPAddress.Parse("10.1.3.2")));

        Assert.Equal(IPAddress.Parse("10.1.3.2"), (await addresses.AllocateAsync("x/c")).Address);
        Assert.Equal(IPAddress.Parse("10.1.3.3"), (await addresses.AllocateAsync("x/b")).Address);
        Assert.Equal(1, store.Lists);
    }

    [Fact]
    public async Task An_address_taken_by_another_process_of_the_node_is_skipped_and_the_view_read_again()
    {
        var block = Cidr.Parse("10.1.3.0/24");
        var store = new InterceptingStore(_store);
        using var agent = new PodAddressAllocator(store, "c1", "n1", block, _time, NullLogger<PodAddressAllocator>.Instance);
        using var overlapping = Addresses("n1", block); // e.g. the previous agent process, still running
        await agent.AllocateAsync("x/a");

        await overlapping.AllocateAsync("x/b"); // 10.1.3.3, behind the agent's back

        Assert.Equal(IPAddress.Parse("10.1.3.4"), (await agent.AllocateAsync("x/c")).Address);
        Assert.Equal(IPAddress.Parse("10.1.3.3"), (await agent.AllocateAsync("x/b")).Address);
        Assert.Equal(["x/a", "x/b", "x/c"], (await agent.ListAsync()).Select(r => r.Owner).Order());
    }

    [Fact]
    public async Task A_picked_address_is_the_owners_once_claimed_and_a_lost_claim_moves_the_next_pick_on()
    {
        var block = Cidr.Parse("10.1.3.0/24");
        using var agent = Addresses("n1", block);
        using var overlapping = Addresses("n1", block); // e.g. the previous agent process, still running

        var first = await agent.PickAsync("x/a", []);
        Assert.Equal((AddressAllocationStatus.Allocated, IPAddress.Parse("10.1.3.2")), (first.Status, first.Address));
        Assert.Empty(await agent.ListAsync()); // picking claims nothing
        Assert.True(await agent.ClaimAsync("x/a", first.Address!));
        var again = await agent.PickAsync("x/a", []);
        Assert.Equal((AddressAllocationStatus.Existing, first.Address), (again.Status, again.Address));

        var next = await agent.PickAsync("x/b", []);
        Assert.Equal(IPAddress.Parse("10.1.3.3"), next.Address);
        await overlapping.AllocateAsync("x/z"); // takes 10.1.3.3 behind the agent's back
        Assert.False(await agent.ClaimAsync("x/b", next.Address!));
        Assert.Equal(IPAddress.Parse("10.1.3.4"), (await agent.PickAsync("x/b", [next.Address!])).Address);
        Assert.Equal(IPAddress.Parse("10.1.3.4"), (await agent.PickAsync("x/b", [])).Address); // the lost claim made it read again
        Assert.Equal(["x/a", "x/z"], (await agent.ListAsync()).Select(r => r.Owner));

        await Assert.ThrowsAsync<ArgumentException>(() => agent.ClaimAsync("x/c", IPAddress.Parse("10.1.3.1"))); // the gateway
        await Assert.ThrowsAsync<ArgumentException>(() => agent.ClaimAsync("x/c", IPAddress.Parse("10.1.4.2")));
        Assert.Equal(2, (await agent.ListAsync()).Count);
    }

    [Fact]
    public async Task Allocations_survive_an_agent_restart()
    {
        var block = Cidr.Parse("10.1.3.0/24");
        using (var before = Addresses("n1", block))
        {
            await before.AllocateAsync("x/a");
            await before.AllocateAsync("x/b");
        }

        using var after = Addresses("n1", block);

        Assert.Equal(["x/a", "x/b"], (await after.ListAsync()).Select(r => r.Owner));
        Assert.Equal(IPAddress.Parse("10.1.3.2"), (await after.AllocateAsync("x/a")).Address);
        Assert.Equal(IPAddress.Parse("10.1.3.4"), (await after.AllocateAsync("x/c")).Address);
    }

    [Fact]
    public async Task Exhaustion_is_a_value_and_never_hands_out_network_gateway_or_broadcast()
    {
        using var addresses = Addresses("n1", Cidr.Parse("10.1.3.8/29"));
        var given = new List<IPAddress>();
        for (var i = 0; i < addresses.Capacity; i++)
        {
            var allocation = await addresses.AllocateAsync($"x/p{i}");
            Assert.True(allocation.Succeeded);
            given.Add(allocation.Address);
        }

        var full = await addresses.AllocateAsync("x/late");

        Assert.Equal(5, addresses.Capacity);
        Assert.Equal(["10.1.3.10", "10.1.3.11", "10.1.3.12", "10.1.3.13", "10.1.3.14"], given.Select(a => a.ToString()));
        Assert.Equal(AddressAllocationStatus.Exhausted, full.Status);
        Assert.Null(full.Address);
        Assert.Contains("10.1.3.8/29", full.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_allocations_get_distinct_addresses()
    {
        using var addresses = Addresses("n1", Cidr.Parse("10.1.3.0/24"));

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => addresses.AllocateAsync($"x/p{i}"))));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(30, results.Select(r => r.Address).Distinct().Count());
    }

    [Fact]
    public void Bad_block_shapes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Blocks("n1", Cidr.Parse("10.1.0.0/16"), 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blocks("n1", Cidr.Parse("10.1.0.0/16"), 31));
    }

    [Fact]
    public async Task IPv6_blocks_work_the_same_way()
    {
        var claim = await Blocks("n1", Cidr.Parse("fd00:1::/48"), 64).ClaimAsync();
        using var addresses = Addresses("n1", claim.Block!.Value);

        Assert.Equal(Cidr.Parse("fd00:1::/64"), claim.Block);
        Assert.NotNull(await _store.GetAsync("plexus/ipam/c1/fd00:1::_64"));
        Assert.Equal(IPAddress.Parse("fd00:1::1"), addresses.Gateway);
        Assert.Equal(IPAddress.Parse("fd00:1::2"), (await addresses.AllocateAsync("x/a")).Address);
    }

    private BlockAllocator Blocks(string node, Cidr? podCidr = null, int prefix = 24) =>
        new(_store, "c1", node, podCidr ?? PodCidr, prefix, _time, NullLogger<BlockAllocator>.Instance);

    private PodAddressAllocator Addresses(string node, Cidr block) =>
        new(_store, "c1", node, block, _time, NullLogger<PodAddressAllocator>.Instance);
}
