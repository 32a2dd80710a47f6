using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;
using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>Claims of requested addresses in transactions: one request per claim, chunks for a burst, and racing agents over one in-memory store.</summary>
public sealed class ServiceClaimBatchTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryStore _store;

    /// <summary>Creates the store.</summary>
    public ServiceClaimBatchTests()
    {
        _store = new InMemoryStore(_time);
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_requested_address_is_claimed_with_its_owner_index_in_one_transaction()
    {
        var transactions = 0;
        var counting = new InterceptingStore(_store) { BeforeTransact = (_, _) => { transactions++; return Task.CompletedTask; } };
        var allocator = ClusterIps(counting);
        await allocator.AllocateAsync("shop/warmup");
        (transactions, var gets) = (0, counting.Gets);

        var claimed = await allocator.AllocateAsync("shop/web", "10.96.0.9");
        var taken = await allocator.AllocateAsync("shop/other", "10.96.0.9");

        Assert.Equal(ServiceAllocationStatus.Claimed, claimed.Status);
        Assert.Equal(ServiceAllocationStatus.Conflict, taken.Status);
        Assert.Contains("shop/web", taken.Message, StringComparison.Ordinal);
        Assert.Equal((2, gets), (transactions, counting.Gets));
        Assert.Equal("10.96.0.9", (await _store.GetAsync(StoreKeys.ServiceIpOwner("c1", ServiceAllocationRecord.ClusterIPKind, "shop/web")))!.Value);
        Assert.Null(await _store.GetAsync(StoreKeys.ServiceIpOwner("c1", ServiceAllocationRecord.ClusterIPKind, "shop/other")));
    }

    [Fact]
    public async Task A_burst_of_requested_addresses_is_claimed_in_chunks_and_asking_again_costs_nothing()
    {
        var transactions = 0;
        var counting = new InterceptingStore(_store) { BeforeTransact = (_, _) => { transactions++; return Task.CompletedTask; } };
        var allocator = ClusterIps(counting);
        var requests = Requests("bulk/svc", 300, i => i + 1);

        var first = await allocator.ClaimManyAsync(requests);
        var firstTransactions = transactions;
        var again = await allocator.ClaimManyAsync(requests);

        Assert.Equal(300, first.Count);
        Assert.All(first.Values, a => Assert.Equal(ServiceAllocationStatus.Claimed, a.Status));
        Assert.Equal((300 + (StoreTxn.MaxOps / 2) - 1) / (StoreTxn.MaxOps / 2), firstTransactions);
        Assert.Equal(firstTransactions, transactions);
        Assert.All(again.Values, a => Assert.Equal(ServiceAllocationStatus.Existing, a.Status));
        Assert.Equal(requests.Select(r => IPAddress.Parse(r.Requested)), requests.Select(r => first[r.Owner].Address));
        Assert.Equal(300, (await _store.ListAsync(StoreKeys.ServiceIpOwnersPrefix("c1", ServiceAllocationRecord.ClusterIPKind))).Items.Count);
    }

    [Fact]
    public async Task A_chunk_with_one_taken_address_settles_it_as_a_conflict_and_claims_the_others()
    {
        await ClusterIps(_store).AllocateAsync("shop/early", "10.96.0.5");
        var allocator = ClusterIps(new InterceptingStore(_store) { AfterList = (_, result) => result with { Items = [] } });

        var settled = await allocator.ClaimManyAsync(Requests("shop/s", 10, i => i + 1));

        Assert.Equal(ServiceAllocationStatus.Conflict, settled["shop/s4"].Status);
        Assert.Contains("shop/early", settled["shop/s4"].Message, StringComparison.Ordinal);
        Assert.All(settled.Where(s => s.Key != "shop/s4"), s => Assert.Equal(ServiceAllocationStatus.Claimed, s.Value.Status));
        Assert.Equal(10, settled.Count);
    }

    [Fact]
    public async Task Agents_racing_for_a_burst_never_give_one_address_to_two_services()
    {
        // Both agents claim the same 200 Services; the second also has 100 rivals asking for addresses of the first 200.
        var one = ClusterIps(_store);
        var two = ClusterIps(_store);
        var mine = Requests("bulk/s", 200, i => i + 1);
        var rivals = Requests("bulk/r", 100, i => (2 * i) + 1);
        var interleaved = rivals.Zip(mine).SelectMany(p => new[] { p.First, p.Second }).Concat(mine.Skip(100)).ToList();

        var results = await Task.WhenAll(Task.Run(() => one.ClaimManyAsync(mine)), Task.Run(() => two.ClaimManyAsync(interleaved)));

        var prefix = StoreKeys.ServiceIpsPrefix("c1");
        var holders = (await _store.ListAsync(prefix)).Items.ToDictionary(kv => kv.Key[prefix.Length..], kv => ServiceAllocationRecord.FromJson(kv.Value)!.Owner);
        var requested = rivals.Concat(mine).ToDictionary(r => r.Owner, r => r.Requested);
        var granted = results.SelectMany(r => r).Where(r => r.Value.Status != ServiceAllocationStatus.Conflict).ToList();
        foreach (var (owner, allocation) in results.SelectMany(r => r))
        {
            Assert.Equal(allocation.Status == ServiceAllocationStatus.Conflict, holders[requested[owner]] != owner);
        }

        Assert.All(granted, g => Assert.Equal(requested[g.Key], g.Value.Address!.ToString()));
        Assert.All(granted.GroupBy(g => g.Value.Address), g => Assert.Single(g.Select(x => x.Key).Distinct()));
        Assert.Equal(holders.Keys.Order(), granted.Select(g => g.Value.Address!.ToString()).Distinct().Order());
        var owners = StoreKeys.ServiceIpOwnersPrefix("c1", ServiceAllocationRecord.ClusterIPKind);
        Assert.All((await _store.ListAsync(owners)).Items, kv => Assert.Equal(kv.Key[owners.Length..], holders[kv.Value]));
    }

    [Fact]
    public async Task Checking_for_load_balancer_addresses_reads_the_views_once_not_once_per_service()
    {
        var lists = 0;
        var counting = new InterceptingStore(_store) { AfterList = (_, result) => { lists++; return result; } };
        var loadBalancers = LoadBalancerIps(counting);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(0, await loadBalancers.ReleaseIfHeldAsync($"bulk/svc{i}"));
        }

        Assert.Equal(0, counting.Gets);
        Assert.Equal(2, lists);
    }

    [Fact]
    public async Task A_load_balancer_address_another_agent_gave_is_released_once_the_views_are_refreshed()
    {
        var mine = LoadBalancerIps(_store);
        Assert.Equal(0, await mine.ReleaseIfHeldAsync("shop/front"));
        Assert.Equal(ServiceAllocationStatus.Allocated, (await LoadBalancerIps(_store).AllocateAsync("shop/front")).Status);

        mine.RefreshOwners();

        Assert.Equal(1, await mine.ReleaseIfHeldAsync("shop/front"));
        Assert.Empty((await _store.ListAsync("plexus/")).Items);
    }

    private static List<(string Owner, string Requested)> Requests(string prefix, int count, Func<int, int> host) =>
        Enumerable.Range(0, count).Select(i => ($"{prefix}{i}", $"10.96.{host(i) / 256}.{host(i) % 256}")).ToList();

    private ServiceIpAllocator ClusterIps(IStore store) =>
        new(store, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse(ServiceIpAllocator.DefaultServiceCidr)], _time, NullLogger<ServiceIpAllocator>.Instance);

    private ServiceIpAllocator LoadBalancerIps(IStore store) =>
        new(store, "c1", ServiceIpKind.LoadBalancer, [Cidr.Parse("198.51.100.0/24")], _time, NullLogger<ServiceIpAllocator>.Instance);
}
