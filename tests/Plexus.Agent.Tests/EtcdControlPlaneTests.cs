using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.IpCache;
using Plexus.Agent.ControlPlane.Ipam;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>The concurrency-sensitive control-plane paths against a real etcd, with real parallel clients.</summary>
[Collection(EtcdCollection.Name)]
public sealed class EtcdControlPlaneTests(EtcdFixture etcd)
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Twenty_nodes_racing_for_the_same_labels_get_one_identity()
    {
        await using var setup = await etcd.CreateEmptyStoreAsync();
        var clients = Enumerable.Range(0, 20).Select(_ => etcd.CreateStore()).ToList();
        var leases = await Task.WhenAll(clients.Select(async c => (await c.GrantLeaseAsync(LeaseTtl)).Id));
        var allocators = clients.Select((c, i) => new IdentityAllocator(c, $"n{i}", 0, NullLogger<IdentityAllocator>.Instance)).ToList();
        try
        {
            using var start = new ManualResetEventSlim();
            var racing = allocators.Select((a, i) => Task.Run(async () =>
            {
                start.Wait(TimeSpan.FromSeconds(15));
                return await a.AcquireAsync(IdentityAllocatorTests.Pod("web"), leases[i]);
            })).ToList();
            start.Set();
            var results = await Task.WhenAll(racing).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
            var identity = Assert.Single(results.Select(r => r.Identity).Distinct());
            Assert.Single(results, r => r.Status == IdentityAllocationStatus.Created);
            Assert.Equal(256u, identity);
            Assert.Single((await setup.ListAsync(StoreKeys.IdentityIdsPrefix)).Items);
            Assert.Single((await setup.ListAsync(StoreKeys.IdentityLabelsPrefix)).Items);
            Assert.Equal(20, (await setup.ListAsync(StoreKeys.IdentityRefs(identity))).Items.Count);
        }
        finally
        {
            allocators.ForEach(a => a.Dispose());
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Nodes_releasing_and_reacquiring_the_same_labels_in_turns_keep_one_identity_and_their_references() =>
        await WithAllocatorsAsync(3, 0, async (store, lease, allocators) =>
        {
            var first = await allocators[0].AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
            for (var turn = 0; turn < 6; turn++)
            {
                // Each node drops its last user and takes the labels again while the others do the same in parallel: the
                // one-transaction path meets id keys the others rewrote since.
                var results = await Task.WhenAll(allocators.Select(a => Task.Run(async () =>
                {
                    if (a.Held.ContainsKey(first.Identity))
                    {
                        Assert.True(await a.ReleaseAsync(first.Identity));
                    }

                    return await a.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease);
                }))).WaitAsync(TimeSpan.FromSeconds(60));

                Assert.All(results, r => Assert.Equal((IdentityAllocationStatus.Found, first.Identity), (r.Status, r.Identity)));
            }

            var refs = await store.ListAsync(StoreKeys.IdentityRefs(first.Identity));
            Assert.Equal(3, refs.Items.Count);
            Assert.All(refs.Items, r => Assert.Equal(lease, r.Lease));
            Assert.Single((await store.ListAsync(StoreKeys.IdentityIdsPrefix)).Items);
        });

    [Fact]
    public async Task Nodes_racing_for_different_labels_get_distinct_identities_in_their_cluster_range() =>
        await WithAllocatorsAsync(12, 5, async (store, lease, allocators) =>
        {
            var results = await Task.WhenAll(allocators.Select((a, i) => Task.Run(() => a.AcquireAsync(IdentityAllocatorTests.Pod($"app{i % 6}"), lease))))
                .WaitAsync(TimeSpan.FromSeconds(60));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
            Assert.Equal(6, results.Select(r => r.Identity).Distinct().Count());
            Assert.All(results, r => Assert.InRange(r.Identity, (5u << 16) + 256, (6u << 16) - 1));
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(results[i].Identity, results[i + 6].Identity);
            }

            Assert.Equal(6, (await store.ListAsync(StoreKeys.IdentityIdsPrefix)).Items.Count);
        });

    [Fact]
    public async Task Refs_vanish_with_a_revoked_lease_and_the_collector_deletes_the_identity_after_the_grace_period()
    {
        await using var store = await etcd.CreateEmptyStoreAsync();
        var time = new FakeTimeProvider();
        var lease1 = (await store.GrantLeaseAsync(LeaseTtl)).Id;
        var lease2 = (await store.GrantLeaseAsync(LeaseTtl)).Id;
        using var n1 = new IdentityAllocator(store, "n1", 0, NullLogger<IdentityAllocator>.Instance);
        using var n2 = new IdentityAllocator(store, "n2", 0, NullLogger<IdentityAllocator>.Instance);
        var web = await n1.AcquireAsync(IdentityAllocatorTests.Pod("web"), lease1);
        var db = await n2.AcquireAsync(IdentityAllocatorTests.Pod("db"), lease2);
        var gc = new IdentityGarbageCollector(store, TimeSpan.FromMinutes(5), time, NullLogger<IdentityGarbageCollector>.Instance);

        await store.RevokeLeaseAsync(lease1);
        Assert.Empty((await store.ListAsync(StoreKeys.IdentityRefs(web.Identity))).Items);
        Assert.Equal([web.Identity], (await gc.RunOnceAsync()).Pending);
        time.Advance(TimeSpan.FromMinutes(5));
        var pass = await gc.RunOnceAsync();

        Assert.Equal([web.Identity], pass.Deleted);
        Assert.Null(await store.GetAsync(StoreKeys.IdentityId(web.Identity)));
        Assert.Null(await store.GetAsync(StoreKeys.IdentityByLabels(IdentityAllocatorTests.Pod("web"))));
        Assert.NotNull(await store.GetAsync(StoreKeys.IdentityId(db.Identity)));
    }

    [Fact]
    public async Task Nodes_claiming_blocks_at_once_get_distinct_blocks_and_keep_them()
    {
        await using var setup = await etcd.CreateEmptyStoreAsync();
        var podCidr = Cidr.Parse("10.1.0.0/16");
        var clients = Enumerable.Range(0, 8).Select(_ => etcd.CreateStore()).ToList();
        try
        {
            var claims = await Task.WhenAll(clients.Select((c, i) => Task.Run(() => Blocks(c, $"n{i}", podCidr).ClaimAsync())))
                .WaitAsync(TimeSpan.FromSeconds(60));

            Assert.All(claims, c => Assert.Equal(BlockClaimStatus.Claimed, c.Status));
            Assert.Equal(8, claims.Select(c => c.Block).Distinct().Count());
            Assert.Equal(
                Enumerable.Range(0, 8).Select(i => Cidr.Parse($"10.1.{i}.0/24")),
                claims.Select(c => c.Block!.Value).Order());
            var again = await Blocks(setup, "n3", podCidr).ClaimAsync();
            Assert.Equal((BlockClaimStatus.Reused, claims[3].Block), (again.Status, again.Block));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Two_overlapping_agent_processes_never_hand_out_the_same_address()
    {
        await using var setup = await etcd.CreateEmptyStoreAsync();
        await using var client1 = etcd.CreateStore();
        await using var client2 = etcd.CreateStore();
        var block = Cidr.Parse("10.1.7.0/24");
        using var old = new PodAddressAllocator(client1, "c1", "n1", block, TimeProvider.System, NullLogger<PodAddressAllocator>.Instance);
        using var next = new PodAddressAllocator(client2, "c1", "n1", block, TimeProvider.System, NullLogger<PodAddressAllocator>.Instance);

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => (i % 2 == 0 ? old : next).AllocateAsync($"x/p{i}"))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        Assert.Equal(20, results.Select(r => r.Address).Distinct().Count());
        Assert.Equal(20, (await setup.ListAsync(StoreKeys.IpamAddressesPrefix("c1", "n1"))).Items.Count);
        Assert.DoesNotContain(results, r => r.Address!.Equals(IPAddress.Parse("10.1.7.1")));
    }

    [Fact]
    public async Task The_ipcache_mirror_follows_etcd_and_resyncs_after_a_compaction()
    {
        await using var store = await etcd.CreateEmptyStoreAsync();
        var lease = (await store.GrantLeaseAsync(LeaseTtl)).Id;
        var writer = new IpCacheWriter(store, "c1");
        await writer.PutAsync(IpCacheMirrorTests.Entry("c1", "10.1.0.2", 256), lease);
        await writer.PutAsync(IpCacheMirrorTests.Entry("c1", "10.1.0.3", 257), lease);
        var mirror = new IpCacheMirror([new IpCacheSource("c1", store)], TimeProvider.System, NullLogger<IpCacheMirror>.Instance);
        var deltas = new DeltaRecorder<IpCacheRecord>();
        using var listed = new SemaphoreSlim(0);
        using var proceed = new SemaphoreSlim(0);
        deltas.BeforeRecord = delta =>
        {
            if (delta.IsFullSync && delta.Added.Count == 2)
            {
                listed.Release();
                proceed.Wait(TimeSpan.FromSeconds(15));
            }
        };

        await using (Running.Start(ct => mirror.RunAsync(deltas.OnDelta, ct)))
        {
            // Between the first list and the watch: change things and compact the history the watch would need.
            Assert.True(await listed.WaitAsync(TimeSpan.FromSeconds(15)));
            await writer.PutAsync(IpCacheMirrorTests.Entry("c1", "10.1.0.4", 258), lease);
            await writer.PutAsync(IpCacheMirrorTests.Entry("c1", "10.1.0.2", 300), lease);
            await writer.DeleteAsync(IPAddress.Parse("10.1.0.3"));
            var revision = await store.PutAsync("plexus/unrelated", "x");
            await store.CompactAsync(revision);
            proceed.Release();

            Assert.Equal(2, (await deltas.NextAsync()).Added.Count);
            var resync = await deltas.NextAsync();
            Assert.True(resync.IsFullSync);
            Assert.Equal(["plexus/ipcache/c1/10.1.0.4"], resync.Added.Select(a => a.Key));
            Assert.Equal((256u, 300u), (resync.Updated.Single().Previous.Identity, resync.Updated.Single().Current.Identity));
            Assert.Equal(["plexus/ipcache/c1/10.1.0.3"], resync.Removed.Select(r => r.Key));
            Assert.Equal(1, mirror.Resyncs);

            // Then it follows the watch: add, update, delete, and a lease revoke.
            await writer.PutAsync(IpCacheMirrorTests.Entry("c1", "10.1.0.5", 259), lease);
            Assert.Equal("plexus/ipcache/c1/10.1.0.5", (await deltas.NextAsync()).Added.Single().Key);
            await writer.PutAsync(IpCacheMirrorTests.Entry("c1", "10.1.0.5", 260), lease);
            Assert.Equal(260u, (await deltas.NextAsync()).Updated.Single().Current.Identity);
            await writer.DeleteAsync(IPAddress.Parse("10.1.0.5"));
            Assert.Equal("plexus/ipcache/c1/10.1.0.5", (await deltas.NextAsync()).Removed.Single().Key);
            await store.RevokeLeaseAsync(lease);
            var gone = new[] { await deltas.NextAsync(), await deltas.NextAsync() };
            Assert.Equal(["plexus/ipcache/c1/10.1.0.2", "plexus/ipcache/c1/10.1.0.4"], gone.SelectMany(d => d.Removed).Select(r => r.Key).Order());
            Assert.Empty(gone[1].Snapshot);
            Assert.Empty(mirror.Snapshot);
        }
    }

    private static BlockAllocator Blocks(IStore store, string node, Cidr podCidr) =>
        new(store, "c1", node, podCidr, BlockAllocator.DefaultBlockPrefixLength, TimeProvider.System, NullLogger<BlockAllocator>.Instance);

    // Runs `body` with `count` allocators (nodes n0…) of cluster `clusterId` on one fresh store and a lease of it, and
    // disposes them afterwards.
    private async Task WithAllocatorsAsync(int count, int clusterId, Func<IStore, long, IReadOnlyList<IdentityAllocator>, Task> body)
    {
        await using var store = await etcd.CreateEmptyStoreAsync();
        var lease = (await store.GrantLeaseAsync(LeaseTtl)).Id;
        var allocators = Enumerable.Range(0, count).Select(i => new IdentityAllocator(store, $"n{i}", clusterId, NullLogger<IdentityAllocator>.Instance)).ToList();
        try
        {
            await body(store, lease, allocators);
        }
        finally
        {
            allocators.ForEach(a => a.Dispose());
        }
    }
}
