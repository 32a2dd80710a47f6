using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Model.State;
using Plexus.Store;

using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>Identity allocation over the in-memory store.</summary>
public sealed class IdentityAllocatorTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryStore _store;
    private readonly List<IdentityAllocator> _allocators = [];
    private long _lease;

    /// <summary>Creates the store.</summary>
    public IdentityAllocatorTests()
    {
        _store = new InMemoryStore(_time);
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _lease = (await _store.GrantLeaseAsync(LeaseTtl)).Id;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _allocators.ForEach(a => a.Dispose());
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task The_first_identity_is_256_and_the_store_holds_id_index_and_ref()
    {
        var labels = Pod("web");

        var allocation = await Allocator("n1").AcquireAsync(labels, _lease);

        Assert.Equal((IdentityAllocationStatus.Created, 256u), (allocation.Status, allocation.Identity));
        Assert.True(allocation.Succeeded);
        Assert.Equal(labels.Canonical, (await _store.GetAsync("plexus/identities/id/256"))?.Value);
        Assert.Equal("256", (await _store.GetAsync("plexus/identities/labels/" + labels.Hash))?.Value);
        var reference = await _store.GetAsync("plexus/identities/refs/256/n1");
        Assert.NotNull(reference);
        Assert.Equal(_lease, reference.Lease);
        Assert.Equal(257u, (await Allocator("n1").AcquireAsync(Pod("db"), _lease)).Identity);
    }

    [Fact]
    public async Task Another_node_finds_the_same_number_for_the_same_labels()
    {
        var n1 = await Allocator("n1").AcquireAsync(Pod("web"), _lease);

        var n2 = await Allocator("n2").AcquireAsync(Pod("web"), _lease);

        Assert.Equal(IdentityAllocationStatus.Found, n2.Status);
        Assert.Equal(n1.Identity, n2.Identity);
        Assert.NotNull(await _store.GetAsync("plexus/identities/refs/256/n2"));
        Assert.Single((await _store.ListAsync(StoreKeys.IdentityIdsPrefix)).Items);
    }

    [Fact]
    public async Task Local_users_are_counted_and_the_last_release_deletes_the_ref()
    {
        var allocator = Allocator("n1");
        var first = await allocator.AcquireAsync(Pod("web"), _lease);
        var second = await allocator.AcquireAsync(Pod("web"), _lease);

        Assert.Equal(IdentityAllocationStatus.Held, second.Status);
        Assert.Equal(2, allocator.Held[first.Identity].Count);
        Assert.False(await allocator.ReleaseAsync(first.Identity));
        Assert.NotNull(await _store.GetAsync("plexus/identities/refs/256/n1"));
        Assert.True(await allocator.ReleaseAsync(first.Identity));
        Assert.Null(await _store.GetAsync("plexus/identities/refs/256/n1"));
        Assert.Empty(allocator.Held);
        Assert.False(await allocator.ReleaseAsync(first.Identity));
        Assert.NotNull(await _store.GetAsync("plexus/identities/id/256")); // only the collector deletes identities
    }

    [Fact]
    public async Task Labels_released_and_acquired_again_take_one_transaction_that_references_and_rewrites_the_identity()
    {
        var store = new InterceptingStore(_store);
        var allocator = Track(new IdentityAllocator(store, "n1", 0, NullLogger<IdentityAllocator>.Instance));
        var first = await allocator.AcquireAsync(Pod("web"), _lease);
        Assert.True(await allocator.ReleaseAsync(first.Identity));
        var before = await _store.GetAsync("plexus/identities/id/256");
        Assert.NotNull(before);
        var (gets, puts, transacts) = (store.Gets, store.Puts, store.Transacts);

        var again = await allocator.AcquireAsync(Pod("web"), _lease);

        Assert.Equal((IdentityAllocationStatus.Found, 256u), (again.Status, again.Identity));
        Assert.Equal((gets, puts, transacts + 1), (store.Gets, store.Puts, store.Transacts));
        Assert.Equal(_lease, (await _store.GetAsync("plexus/identities/refs/256/n1"))?.Lease);
        Assert.Equal(1, allocator.Held[256].Count);
        // A collector that read the id key before the reference can no longer delete it.
        Assert.False((await _store.DeleteIfAsync("plexus/identities/id/256", before.ModRevision)).Succeeded);
        Assert.True(await allocator.ReleaseAsync(256));
        Assert.Null(await _store.GetAsync("plexus/identities/refs/256/n1"));
    }

    [Fact]
    public async Task Labels_another_node_referenced_since_the_release_are_acquired_again_with_the_keys_as_they_are_now()
    {
        var n1 = Allocator("n1");
        var first = await n1.AcquireAsync(Pod("web"), _lease);
        await n1.ReleaseAsync(first.Identity);
        Assert.Equal(first.Identity, (await Allocator("n2").AcquireAsync(Pod("web"), _lease)).Identity); // rewrites the id key

        var again = await n1.AcquireAsync(Pod("web"), _lease);

        Assert.Equal((IdentityAllocationStatus.Found, first.Identity), (again.Status, again.Identity));
        Assert.NotNull(await _store.GetAsync("plexus/identities/refs/256/n1"));
        Assert.NotNull(await _store.GetAsync("plexus/identities/refs/256/n2"));
    }

    [Fact]
    public async Task Labels_whose_identity_was_collected_after_the_release_get_a_new_one()
    {
        var n1 = Allocator("n1");
        var web = Pod("web");
        await n1.AcquireAsync(web, _lease);
        await n1.ReleaseAsync(256);
        // The collector removes 256 and its index entry; another label set then gets the number.
        await _store.DeleteAsync("plexus/identities/id/256");
        await _store.DeleteAsync(StoreKeys.IdentityByLabels(web));
        var db = await Allocator("n2").AcquireAsync(Pod("db"), _lease);
        Assert.Equal((IdentityAllocationStatus.Created, 256u), (db.Status, db.Identity));

        var again = await n1.AcquireAsync(web, _lease);

        Assert.Equal((IdentityAllocationStatus.Created, 257u), (again.Status, again.Identity));
        Assert.Equal(web.Canonical, (await _store.GetAsync("plexus/identities/id/257"))?.Value);
        Assert.Equal(Pod("db").Canonical, (await _store.GetAsync("plexus/identities/id/256"))?.Value);
        Assert.Null(await _store.GetAsync("plexus/identities/refs/256/n1"));
    }

    [Fact]
    public async Task A_collection_racing_a_reacquisition_loses_to_it()
    {
        var allocator = Allocator("n1");
        await allocator.AcquireAsync(Pod("web"), _lease);
        await allocator.ReleaseAsync(256);
        // The collector saw no references and read the id key; the reacquisition's transaction runs before its delete.
        var seen = await _store.GetAsync("plexus/identities/id/256");
        Assert.NotNull(seen);

        var again = await allocator.AcquireAsync(Pod("web"), _lease);
        var collected = await _store.DeleteIfAsync("plexus/identities/id/256", seen.ModRevision);

        Assert.Equal(256u, again.Identity);
        Assert.False(collected.Succeeded);
        Assert.Equal(Pod("web").Canonical, (await _store.GetAsync("plexus/identities/id/256"))?.Value);
    }

    [Fact]
    public async Task A_collection_just_before_a_reacquisition_sends_it_the_general_way()
    {
        var store = new InterceptingStore(_store);
        var allocator = Track(new IdentityAllocator(store, "n1", 0, NullLogger<IdentityAllocator>.Instance));
        var web = Pod("web");
        await allocator.AcquireAsync(web, _lease);
        await allocator.ReleaseAsync(256);
        var collected = false;
        store.BeforeTransact = async (_, _) =>
        {
            if (!collected)
            {
                collected = true;
                var id = await _store.GetAsync("plexus/identities/id/256");
                Assert.True((await _store.DeleteIfAsync("plexus/identities/id/256", id!.ModRevision)).Succeeded);
            }
        };

        var again = await allocator.AcquireAsync(web, _lease);

        // The index still named 256, so the general path repairs it and creates the labels anew (256 is free again).
        Assert.Equal((IdentityAllocationStatus.Created, 256u), (again.Status, again.Identity));
        Assert.Equal(web.Canonical, (await _store.GetAsync("plexus/identities/id/256"))?.Value);
        Assert.NotNull(await _store.GetAsync("plexus/identities/refs/256/n1"));
    }

    [Fact]
    public async Task Labels_another_node_holds_are_referenced_in_one_transaction_with_the_number_known_beforehand()
    {
        var n1 = Allocator("n1");
        Assert.Equal(256u, (await n1.AcquireAsync(Pod("web"), _lease)).Identity);
        var before = await _store.GetAsync("plexus/identities/id/256");
        var store = new InterceptingStore(_store);
        var n2 = Track(new IdentityAllocator(store, "n2", 0, NullLogger<IdentityAllocator>.Instance));
        Assert.Null(n2.Expected(Pod("web")));
        n2.UseKnownIdentities(labels => labels == Pod("web").Canonical ? 256u : null);
        Assert.Equal(256u, n2.Expected(Pod("web")));

        var found = await n2.AcquireAsync(Pod("web"), _lease);

        Assert.Equal((IdentityAllocationStatus.Found, 256u), (found.Status, found.Identity));
        Assert.Equal((0, 0, 0, 1), (store.Gets, store.Lists, store.Puts, store.Transacts));
        Assert.Equal(_lease, (await _store.GetAsync("plexus/identities/refs/256/n2"))?.Lease);
        // A collector that read the id key before the reference can no longer delete it.
        Assert.False((await _store.DeleteIfAsync("plexus/identities/id/256", before!.ModRevision)).Succeeded);
    }

    [Fact]
    public async Task A_stale_view_of_the_cluster_identities_falls_back_to_the_store()
    {
        var n1 = Allocator("n1");
        await n1.AcquireAsync(Pod("web"), _lease);
        await n1.AcquireAsync(Pod("db"), _lease);
        var n2 = Allocator("n2");
        // The view says web is 257 (db's number) and cache is 300 (no such identity): both are checked in the store.
        n2.UseKnownIdentities(labels => labels == Pod("web").Canonical ? 257u : labels == Pod("cache").Canonical ? 300u : null);

        var web = await n2.AcquireAsync(Pod("web"), _lease);
        var cache = await n2.AcquireAsync(Pod("cache"), _lease);

        Assert.Equal((IdentityAllocationStatus.Found, 256u), (web.Status, web.Identity));
        Assert.Equal((IdentityAllocationStatus.Created, 258u), (cache.Status, cache.Identity));
        Assert.Null(await _store.GetAsync("plexus/identities/refs/257/n2"));
        Assert.Null(await _store.GetAsync("plexus/identities/refs/300/n2"));
        Assert.Null(await _store.GetAsync("plexus/identities/id/300"));
        Assert.Equal(Pod("db").Canonical, (await _store.GetAsync("plexus/identities/id/257"))?.Value);
    }

    [Fact]
    public async Task Only_the_most_recent_releases_are_remembered()
    {
        var store = new InterceptingStore(_store);
        var allocator = Track(new IdentityAllocator(store, "n1", 0, NullLogger<IdentityAllocator>.Instance));
        var count = IdentityAllocator.ReleasedLimit + 1;
        for (var i = 0; i < count; i++)
        {
            var allocation = await allocator.AcquireAsync(Pod($"app{i}"), _lease);
            await allocator.ReleaseAsync(allocation.Identity);
        }

        var gets = store.Gets;
        var newest = await allocator.AcquireAsync(Pod($"app{count - 1}"), _lease);
        Assert.Equal(gets, store.Gets);
        var oldest = await allocator.AcquireAsync(Pod("app0"), _lease);

        Assert.True(store.Gets > gets); // the general path reads the labels index
        Assert.Equal((IdentityAllocationStatus.Found, 256u), (oldest.Status, oldest.Identity));
        Assert.Equal(IdentityAllocationStatus.Found, newest.Status);
    }

    [Fact]
    public async Task A_cluster_id_moves_numbers_into_its_range()
    {
        var allocator = Allocator("n1", clusterId: 3);

        var allocation = await allocator.AcquireAsync(Pod("web"), _lease);

        Assert.Equal((3u << 16) + 256, allocation.Identity);
        Assert.Equal((3u << 16) + 256, allocator.FirstIdentity);
        Assert.Equal((4u << 16) - 1, allocator.LastIdentity);
        Assert.Equal(3, IdentityNumbers.ClusterIdOf(allocation.Identity));
    }

    [Fact]
    public async Task Reserved_labels_return_reserved_numbers_without_writing()
    {
        var revision = _store.Revision;

        var host = await Allocator("n1").AcquireAsync(IdentityLabels.ForReserved(ReservedIdentity.Host), _lease);
        var world = await Allocator("n1").AcquireAsync(IdentityLabels.ForReserved(ReservedIdentity.World), _lease);

        Assert.Equal((IdentityAllocationStatus.Reserved, 1u), (host.Status, host.Identity));
        Assert.Equal(2u, world.Identity);
        Assert.Equal(revision, _store.Revision);
    }

    [Fact]
    public async Task A_full_range_is_reported_as_exhausted()
    {
        // Every number of the range appears taken (65,280 id keys, synthesized instead of written one by one).
        var first = IdentityNumbers.FirstAllocated(0);
        var taken = Enumerable.Range(0, (int)(IdentityNumbers.LastAllocated(0) - first + 1))
            .Select(i => new KeyValue(StoreKeys.IdentityId(first + (uint)i), "k8s:filler=x;", 2, 2, 1, 0))
            .ToList();
        var store = new InterceptingStore(_store)
        {
            AfterList = (prefix, result) => prefix == StoreKeys.IdentityIdsPrefix ? new ListResult(taken, result.Revision) : result,
        };
        using var allocator = new IdentityAllocator(store, "n1", 0, NullLogger<IdentityAllocator>.Instance);

        var allocation = await allocator.AcquireAsync(Pod("web"), _lease);

        Assert.Equal(IdentityAllocationStatus.Exhausted, allocation.Status);
        Assert.False(allocation.Succeeded);
        Assert.Equal(0u, allocation.Identity);
        Assert.Contains("[256, 65535]", allocation.Message, StringComparison.Ordinal);
        Assert.Empty((await _store.ListAsync(StoreKeys.IdentitiesPrefix)).Items);
    }

    [Fact]
    public async Task Numbers_taken_since_the_list_are_skipped()
    {
        var store = new InterceptingStore(_store)
        {
            AfterList = (prefix, result) => prefix == StoreKeys.IdentityIdsPrefix ? new ListResult([], result.Revision) : result,
        };
        await _store.PutAsync(StoreKeys.IdentityId(256), "k8s:other=x;");
        await _store.PutAsync(StoreKeys.IdentityId(257), "k8s:other=y;");
        using var allocator = new IdentityAllocator(store, "n1", 0, NullLogger<IdentityAllocator>.Instance);

        var allocation = await allocator.AcquireAsync(Pod("web"), _lease);

        Assert.Equal((IdentityAllocationStatus.Created, 258u), (allocation.Status, allocation.Identity));
        Assert.Equal("k8s:other=x;", (await _store.GetAsync(StoreKeys.IdentityId(256)))?.Value);
    }

    [Fact]
    public async Task A_lease_that_is_gone_is_reported_as_a_value()
    {
        await _store.RevokeLeaseAsync(_lease);

        var allocation = await Allocator("n1").AcquireAsync(Pod("web"), _lease);

        Assert.Equal(IdentityAllocationStatus.LeaseNotFound, allocation.Status);
        Assert.False(allocation.Succeeded);
    }

    [Fact]
    public async Task An_index_entry_whose_identity_is_gone_is_repaired()
    {
        var labels = Pod("web");
        await _store.PutAsync(StoreKeys.IdentityByLabels(labels), "300");

        var allocation = await Allocator("n1").AcquireAsync(labels, _lease);

        Assert.Equal((IdentityAllocationStatus.Created, 256u), (allocation.Status, allocation.Identity));
        Assert.Equal("256", (await _store.GetAsync(StoreKeys.IdentityByLabels(labels)))?.Value);
    }

    [Fact]
    public async Task Lookups_find_existing_identities_without_referencing_them()
    {
        var allocator = Allocator("n1");
        var web = await allocator.AcquireAsync(Pod("web"), _lease);
        var other = Allocator("n2");

        Assert.Equal(web.Identity, await other.LookupAsync(Pod("web")));
        Assert.Null(await other.LookupAsync(Pod("db")));
        Assert.Equal(Pod("web"), await other.LookupAsync(web.Identity));
        Assert.Null(await other.LookupAsync(999u));
        Assert.Equal(IdentityLabels.ForReserved(ReservedIdentity.Health), await other.LookupAsync(4u));
        Assert.Empty(other.Held);
        Assert.Null(await _store.GetAsync("plexus/identities/refs/256/n2"));
    }

    [Fact]
    public async Task After_a_new_lease_the_refs_are_written_again()
    {
        var allocator = Allocator("n1");
        var web = await allocator.AcquireAsync(Pod("web"), _lease);
        await _store.RevokeLeaseAsync(_lease);
        Assert.Null(await _store.GetAsync("plexus/identities/refs/256/n1"));
        var lease = (await _store.GrantLeaseAsync(LeaseTtl)).Id;

        var lost = await allocator.RepublishAsync(lease);

        Assert.Empty(lost);
        Assert.Equal(lease, (await _store.GetAsync("plexus/identities/refs/256/n1"))?.Lease);
        Assert.Equal(IdentityAllocationStatus.Held, (await allocator.AcquireAsync(Pod("web"), lease)).Status);
        Assert.Equal(web.Identity, allocator.Held.Keys.Single());
    }

    [Fact]
    public async Task Republishing_reports_identities_collected_while_the_lease_was_gone()
    {
        var allocator = Allocator("n1");
        await allocator.AcquireAsync(Pod("web"), _lease);
        await _store.RevokeLeaseAsync(_lease);
        var collector = new IdentityGarbageCollector(_store, TimeSpan.Zero, _time, NullLogger<IdentityGarbageCollector>.Instance);
        Assert.Equal([256u], (await collector.RunOnceAsync()).Deleted);
        var lease = (await _store.GrantLeaseAsync(LeaseTtl)).Id;

        var lost = await allocator.RepublishAsync(lease);

        Assert.Equal([256u], lost);
        Assert.Empty(allocator.Held);
        Assert.Null(await _store.GetAsync("plexus/identities/refs/256/n1"));
        Assert.Equal(IdentityAllocationStatus.Created, (await allocator.AcquireAsync(Pod("web"), lease)).Status);
    }

    [Fact]
    public async Task Refs_left_by_an_earlier_run_are_removed_once_endpoints_are_restored()
    {
        var before = Allocator("n1");
        await before.AcquireAsync(Pod("web"), _lease);
        await before.AcquireAsync(Pod("db"), _lease);
        await Allocator("n2").AcquireAsync(Pod("db"), _lease);

        var after = Allocator("n1"); // the restarted agent only restores "web"
        await after.AcquireAsync(Pod("web"), _lease);
        var removed = await after.RemoveStaleReferencesAsync();

        Assert.Equal(1, removed);
        Assert.NotNull(await _store.GetAsync("plexus/identities/refs/256/n1"));
        Assert.Null(await _store.GetAsync("plexus/identities/refs/257/n1"));
        Assert.NotNull(await _store.GetAsync("plexus/identities/refs/257/n2"));
    }

    [Fact]
    public async Task Parallel_acquisitions_of_the_same_labels_from_many_nodes_agree()
    {
        var allocators = Enumerable.Range(0, 20).Select(i => Allocator($"n{i}")).ToList();

        var results = await Task.WhenAll(allocators.Select(a => Task.Run(() => a.AcquireAsync(Pod("web"), _lease))));

        Assert.Single(results.Select(r => r.Identity).Distinct());
        Assert.Single(results, r => r.Status == IdentityAllocationStatus.Created);
        Assert.Single((await _store.ListAsync(StoreKeys.IdentityIdsPrefix)).Items);
        Assert.Equal(20, (await _store.ListAsync(StoreKeys.IdentityRefs(results[0].Identity))).Items.Count);
    }

    [Fact]
    public async Task Acquiring_without_a_lease_or_labels_is_a_programming_error()
    {
        var allocator = Allocator("n1");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => allocator.AcquireAsync(Pod("web"), 0));
        await Assert.ThrowsAsync<ArgumentException>(() => allocator.AcquireAsync(IdentityLabels.Empty, _lease));
    }

    internal static IdentityLabels Pod(string app) => IdentityLabels.ForPod("c1", "x", new Dictionary<string, string> { ["app"] = app });

    private IdentityAllocator Allocator(string node, int clusterId = 0) =>
        Track(new IdentityAllocator(_store, node, clusterId, NullLogger<IdentityAllocator>.Instance));

    private IdentityAllocator Track(IdentityAllocator allocator)
    {
        _allocators.Add(allocator);
        return allocator;
    }
}
