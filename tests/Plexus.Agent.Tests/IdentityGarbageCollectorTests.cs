using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Model.State;
using Plexus.Store;

using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>Identity garbage collection over the in-memory store with a fake clock, including forced races with allocators.</summary>
public sealed class IdentityGarbageCollectorTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromMinutes(30);
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryStore _store;
    private readonly List<IdentityAllocator> _allocators = [];

    /// <summary>Creates the store.</summary>
    public IdentityGarbageCollectorTests()
    {
        _store = new InMemoryStore(_time);
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _allocators.ForEach(a => a.Dispose());
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Refs_vanish_with_a_revoked_lease_and_the_identity_goes_after_the_grace_period()
    {
        var lease = await LeaseAsync();
        var web = await Allocator("n1").AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        var gc = Collector();
        Assert.Empty((await gc.RunOnceAsync()).Pending);

        await _store.RevokeLeaseAsync(lease);
        Assert.Empty((await _store.ListAsync(StoreKeys.IdentityRefsPrefix)).Items);
        Assert.Equal([web.Identity], (await gc.RunOnceAsync()).Pending);
        _time.Advance(Grace - TimeSpan.FromSeconds(1));
        var early = await gc.RunOnceAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        var due = await gc.RunOnceAsync();

        Assert.Empty(early.Deleted);
        Assert.Equal([web.Identity], due.Deleted);
        Assert.Null(await _store.GetAsync(StoreKeys.IdentityId(web.Identity)));
        Assert.Null(await _store.GetAsync(StoreKeys.IdentityByLabels(IdentityAllocatorTests.Pod("web"))));
        Assert.Empty((await _store.ListAsync(StoreKeys.IdentitiesPrefix)).Items);
    }

    [Fact]
    public async Task Refs_vanish_when_the_lease_expires()
    {
        var lease = await LeaseAsync();
        var web = await Allocator("n1").AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        var gc = Collector();

        _time.Advance(LeaseTtl + TimeSpan.FromSeconds(1)); // no keep-alive: the lease expires
        Assert.Equal([web.Identity], (await gc.RunOnceAsync()).Pending);
        _time.Advance(Grace);

        Assert.Equal([web.Identity], (await gc.RunOnceAsync()).Deleted);
    }

    [Fact]
    public async Task An_identity_that_got_a_new_ref_during_the_grace_period_stays()
    {
        var lease = await LeaseAsync();
        var n1 = Allocator("n1");
        var web = await n1.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        await n1.ReleaseAsync(web.Identity);
        var gc = Collector();
        Assert.Equal([web.Identity], (await gc.RunOnceAsync()).Pending);

        var again = await Allocator("n2").AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        _time.Advance(Grace);
        var pass = await gc.RunOnceAsync();

        Assert.Equal((IdentityAllocationStatus.Found, web.Identity), (again.Status, again.Identity));
        Assert.Empty(pass.Deleted);
        Assert.Empty(pass.Pending);
        Assert.NotNull(await _store.GetAsync(StoreKeys.IdentityId(web.Identity)));
    }

    [Fact]
    public async Task A_reuse_that_came_and_went_restarts_the_grace_period()
    {
        var lease = await LeaseAsync();
        var web = await Allocator("n1").AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        await _store.RevokeLeaseAsync(lease);
        var gc = Collector();
        await gc.RunOnceAsync();

        _time.Advance(Grace - TimeSpan.FromSeconds(10));
        var lease2 = await LeaseAsync();
        var n2 = Allocator("n2");
        await n2.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease2);
        await n2.ReleaseAsync(web.Identity);
        _time.Advance(TimeSpan.FromSeconds(10));
        var restarted = await gc.RunOnceAsync();
        _time.Advance(Grace);
        var due = await gc.RunOnceAsync();

        Assert.Equal([web.Identity], restarted.Pending);
        Assert.Empty(restarted.Deleted);
        Assert.Equal([web.Identity], due.Deleted);
    }

    [Fact]
    public async Task A_ref_written_between_the_collectors_list_and_its_delete_wins()
    {
        var lease = await LeaseAsync();
        var n1 = Allocator("n1");
        var web = await n1.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        await n1.ReleaseAsync(web.Identity);
        var intercepting = new InterceptingStore(_store);
        var gc = new IdentityGarbageCollector(intercepting, TimeSpan.Zero, _time, NullLogger<IdentityGarbageCollector>.Instance);
        var n2 = Allocator("n2");
        IdentityAllocation? raced = null;
        intercepting.BeforeDeleteIf = async key =>
        {
            intercepting.BeforeDeleteIf = null;
            raced = await n2.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease); // after the collector saw no refs
        };

        var pass = await gc.RunOnceAsync();

        Assert.Equal((IdentityAllocationStatus.Found, web.Identity), (raced?.Status, raced?.Identity));
        Assert.Empty(pass.Deleted);
        Assert.Equal(IdentityAllocatorTests.Pod("web").Canonical, (await _store.GetAsync(StoreKeys.IdentityId(web.Identity)))?.Value);
        Assert.NotNull(await _store.GetAsync(StoreKeys.IdentityRef(web.Identity, "n2")));
    }

    [Fact]
    public async Task An_allocator_that_loses_the_race_to_the_collector_starts_over()
    {
        var lease = await LeaseAsync();
        var n1 = Allocator("n1");
        var web = await n1.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        await n1.ReleaseAsync(web.Identity);
        await Allocator("n1").AcquireAsync(IdentityAllocatorTests.Pod("db"), lease); // takes 257, so a new "web" gets 256 again
        var gc = Collector(TimeSpan.Zero);
        var intercepting = new InterceptingStore(_store);
        var n2 = new IdentityAllocator(intercepting, "n2", 0, NullLogger<IdentityAllocator>.Instance);
        _allocators.Add(n2);
        IdentityGcResult? collected = null;
        intercepting.BeforePut = async key =>
        {
            intercepting.BeforePut = null;
            collected = await gc.RunOnceAsync(); // n2 found the identity; it is collected before n2's ref lands
        };

        var allocation = await n2.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);

        Assert.Equal([web.Identity], collected?.Deleted);
        Assert.Equal(IdentityAllocationStatus.Created, allocation.Status);
        Assert.Equal(IdentityAllocatorTests.Pod("web").Canonical, (await _store.GetAsync(StoreKeys.IdentityId(allocation.Identity)))?.Value);
        Assert.NotNull(await _store.GetAsync(StoreKeys.IdentityRef(allocation.Identity, "n2")));
        Assert.Equal(
            allocation.Identity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (await _store.GetAsync(StoreKeys.IdentityByLabels(IdentityAllocatorTests.Pod("web"))))?.Value);
    }

    [Fact]
    public async Task Index_entries_whose_identity_is_gone_are_removed_after_the_grace_period()
    {
        var key = StoreKeys.IdentityByLabels(IdentityAllocatorTests.Pod("web"));
        await _store.PutAsync(key, "300");
        var gc = Collector();

        var first = await gc.RunOnceAsync();
        _time.Advance(Grace);
        var second = await gc.RunOnceAsync();

        Assert.Equal(0, first.StaleIndexEntriesDeleted);
        Assert.Equal(1, second.StaleIndexEntriesDeleted);
        Assert.Null(await _store.GetAsync(key));
    }

    [Fact]
    public async Task Referenced_identities_and_their_index_entries_are_never_touched()
    {
        var lease = await LeaseAsync();
        await Allocator("n1").AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        await Allocator("n2").AcquireAsync(IdentityAllocatorTests.Pod("db"), lease);
        var gc = Collector();
        var before = (await _store.ListAsync(StoreKeys.IdentitiesPrefix)).Items;

        await gc.RunOnceAsync();
        _time.Advance(Grace * 3);
        var pass = await gc.RunOnceAsync();

        Assert.Empty(pass.Deleted);
        Assert.Equal(0, pass.StaleIndexEntriesDeleted);
        Assert.Equal(before, (await _store.ListAsync(StoreKeys.IdentitiesPrefix)).Items);
    }

    [Fact]
    public async Task The_loop_collects_on_its_interval()
    {
        var lease = await LeaseAsync();
        var web = await Allocator("n1").AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
        await _store.RevokeLeaseAsync(lease);
        var gc = Collector();
        using var armed = new SemaphoreSlim(0);
        _time.TimerArmed += () => armed.Release();
        await using var watch = _store.WatchAsync(StoreKeys.IdentityId(web.Identity), _store.Revision + 1).GetAsyncEnumerator();
        var deleted = watch.MoveNextAsync().AsTask();

        await using (Running.Start(ct => gc.RunAsync(TimeSpan.FromMinutes(1), ct)))
        {
            // Each pass ends by arming the loop's delay on the fake clock; advancing fires it and the next pass runs.
            for (var minute = 0; minute <= 6 && !deleted.IsCompleted; minute++)
            {
                Assert.True(await armed.WaitAsync(TimeSpan.FromSeconds(15)), "the loop did not wait for its next pass");
                _time.Advance(TimeSpan.FromMinutes(1));
            }

            Assert.True(await deleted.WaitAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal(WatchEventType.Delete, watch.Current.Type);
        }
    }

    private async Task<long> LeaseAsync() => (await _store.GrantLeaseAsync(LeaseTtl)).Id;

    private IdentityGarbageCollector Collector(TimeSpan? grace = null) =>
        new(_store, grace ?? Grace, _time, NullLogger<IdentityGarbageCollector>.Instance);

    private IdentityAllocator Allocator(string node)
    {
        var allocator = new IdentityAllocator(_store, node, 0, NullLogger<IdentityAllocator>.Instance);
        _allocators.Add(allocator);
        return allocator;
    }
}
