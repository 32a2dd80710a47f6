using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.IpCache;
using Plexus.Agent.ControlPlane.Mirroring;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>The ipcache writer and mirror (and the prefix mirror under it) over in-memory stores.</summary>
public sealed class IpCacheMirrorTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromHours(1);
    private readonly InMemoryStore _c1 = new();
    private readonly InMemoryStore _c2 = new();
    private long _lease1;
    private long _lease2;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _lease1 = (await _c1.GrantLeaseAsync(LeaseTtl)).Id;
        _lease2 = (await _c2.GrantLeaseAsync(LeaseTtl)).Id;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _c1.DisposeAsync();
        await _c2.DisposeAsync();
    }

    [Fact]
    public async Task The_writer_stores_entries_under_cluster_and_ip_with_the_lease()
    {
        var writer = new IpCacheWriter(_c1, "c1");

        Assert.True(await writer.PutAsync(Entry("c1", "10.1.0.2", 256), _lease1));

        var stored = await _c1.GetAsync("plexus/ipcache/c1/10.1.0.2");
        Assert.NotNull(stored);
        Assert.Equal(_lease1, stored.Lease);
        Assert.Equal(Entry("c1", "10.1.0.2", 256), IpCacheRecord.FromJson(stored.Value));
        Assert.True(await writer.DeleteAsync(IPAddress.Parse("10.1.0.2")));
        Assert.Null(await _c1.GetAsync("plexus/ipcache/c1/10.1.0.2"));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.PutAsync(Entry("c2", "10.2.0.2", 256), _lease1));
    }

    [Fact]
    public async Task The_writer_republishes_its_entries_under_a_new_lease()
    {
        var writer = new IpCacheWriter(_c1, "c1");
        await writer.PutAsync(Entry("c1", "10.1.0.2", 256), _lease1);
        await writer.PutAsync(Entry("c1", "10.1.0.3", 257), _lease1);
        await writer.DeleteAsync(IPAddress.Parse("10.1.0.3"));
        await _c1.RevokeLeaseAsync(_lease1);

        Assert.False(await writer.PutAsync(Entry("c1", "10.1.0.4", 258), _lease1)); // remembered, written by the republish
        var lease = (await _c1.GrantLeaseAsync(LeaseTtl)).Id;
        Assert.True(await writer.RepublishAsync(lease));

        var items = (await _c1.ListAsync("plexus/ipcache/c1/")).Items;
        Assert.Equal(["plexus/ipcache/c1/10.1.0.2", "plexus/ipcache/c1/10.1.0.4"], items.Select(i => i.Key));
        Assert.All(items, i => Assert.Equal(lease, i.Lease));
    }

    [Fact]
    public async Task The_mirror_lists_then_reports_adds_updates_and_deletes()
    {
        var writer = new IpCacheWriter(_c1, "c1");
        await writer.PutAsync(Entry("c1", "10.1.0.2", 256), _lease1);
        var mirror = Mirror((_c1, "c1"));
        var deltas = new DeltaRecorder<IpCacheRecord>();

        await using (Running.Start(ct => mirror.RunAsync(deltas.OnDelta, ct)))
        {
            var initial = await deltas.NextAsync();
            await mirror.Synced.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(initial.IsFullSync);
            Assert.Equal(["plexus/ipcache/c1/10.1.0.2"], initial.Added.Select(a => a.Key));
            Assert.Empty(initial.Updated);
            Assert.Empty(initial.Removed);

            await writer.PutAsync(Entry("c1", "10.1.0.3", 257), _lease1);
            var added = await deltas.NextAsync();
            Assert.False(added.IsFullSync);
            Assert.Equal(Entry("c1", "10.1.0.3", 257), added.Added.Single().Value);
            Assert.Equal(2, added.Snapshot.Count);

            await writer.PutAsync(Entry("c1", "10.1.0.3", 257), _lease1); // same value: no delta
            await writer.PutAsync(Entry("c1", "10.1.0.3", 300), _lease1);
            var updated = await deltas.NextAsync();
            Assert.Equal((257u, 300u), (updated.Updated.Single().Previous.Identity, updated.Updated.Single().Current.Identity));
            Assert.Empty(updated.Added);

            await writer.DeleteAsync(IPAddress.Parse("10.1.0.2"));
            var removed = await deltas.NextAsync();
            Assert.Equal(Entry("c1", "10.1.0.2", 256), removed.Removed.Single().Value);
            Assert.Equal(["plexus/ipcache/c1/10.1.0.3"], removed.Snapshot.Keys);
            Assert.Equal(removed.Snapshot, mirror.Snapshot);
            Assert.True(deltas.IsEmpty);
        }
    }

    [Fact]
    public async Task Entries_vanish_from_the_mirror_when_their_node_lease_is_revoked()
    {
        var writer = new IpCacheWriter(_c1, "c1");
        await writer.PutAsync(Entry("c1", "10.1.0.2", 256), _lease1);
        await writer.PutAsync(Entry("c1", "10.1.0.3", 256), _lease1);
        var mirror = Mirror((_c1, "c1"));
        var deltas = new DeltaRecorder<IpCacheRecord>();

        await using (Running.Start(ct => mirror.RunAsync(deltas.OnDelta, ct)))
        {
            Assert.Equal(2, (await deltas.NextAsync()).Added.Count);

            await _c1.RevokeLeaseAsync(_lease1);

            var removed = (await deltas.NextAsync()).Removed.Concat((await deltas.NextAsync()).Removed).Select(r => r.Key).Order();
            Assert.Equal(["plexus/ipcache/c1/10.1.0.2", "plexus/ipcache/c1/10.1.0.3"], removed);
            Assert.Empty(mirror.Snapshot);
        }
    }

    [Fact]
    public async Task After_a_compaction_the_mirror_resyncs_and_reports_the_exact_difference()
    {
        var writer = new IpCacheWriter(_c1, "c1");
        await writer.PutAsync(Entry("c1", "10.1.0.2", 256), _lease1);
        await writer.PutAsync(Entry("c1", "10.1.0.3", 257), _lease1);
        await writer.PutAsync(Entry("c1", "10.1.0.4", 258), _lease1);
        var mirror = Mirror((_c1, "c1"));
        var deltas = new DeltaRecorder<IpCacheRecord>();
        using var listed = new SemaphoreSlim(0);
        using var proceed = new SemaphoreSlim(0);
        deltas.BeforeRecord = delta =>
        {
            if (delta.IsFullSync && delta.Added.Count == 3)
            {
                // Hold the mirror between its first list and its watch while the history it needs is compacted away.
                listed.Release();
                proceed.Wait(TimeSpan.FromSeconds(15));
            }
        };

        await using (Running.Start(ct => mirror.RunAsync(deltas.OnDelta, ct)))
        {
            Assert.True(await listed.WaitAsync(TimeSpan.FromSeconds(15)));
            await writer.PutAsync(Entry("c1", "10.1.0.5", 259), _lease1); // added
            await writer.PutAsync(Entry("c1", "10.1.0.3", 300), _lease1); // updated
            await writer.DeleteAsync(IPAddress.Parse("10.1.0.4")); // removed
            await writer.PutAsync(Entry("c1", "10.1.0.6", 260), _lease1); // added, then
            await writer.DeleteAsync(IPAddress.Parse("10.1.0.6")); // removed again: invisible after the resync
            _c1.Compact(_c1.Revision);
            proceed.Release();

            Assert.Equal(3, (await deltas.NextAsync()).Added.Count);
            var resync = await deltas.NextAsync();

            Assert.True(resync.IsFullSync);
            Assert.Equal(["plexus/ipcache/c1/10.1.0.5"], resync.Added.Select(a => a.Key));
            Assert.Equal(("plexus/ipcache/c1/10.1.0.3", 257u, 300u), (resync.Updated.Single().Key, resync.Updated.Single().Previous.Identity, resync.Updated.Single().Current.Identity));
            Assert.Equal(["plexus/ipcache/c1/10.1.0.4"], resync.Removed.Select(r => r.Key));
            Assert.Equal(["plexus/ipcache/c1/10.1.0.2", "plexus/ipcache/c1/10.1.0.3", "plexus/ipcache/c1/10.1.0.5"], resync.Snapshot.Keys.Order());
            Assert.Equal(1, mirror.Resyncs);

            // The mirror watches again after the resync.
            await writer.PutAsync(Entry("c1", "10.1.0.7", 261), _lease1);
            Assert.Equal("plexus/ipcache/c1/10.1.0.7", (await deltas.NextAsync()).Added.Single().Key);
        }
    }

    [Fact]
    public async Task All_clusters_merge_into_one_snapshot()
    {
        await new IpCacheWriter(_c1, "c1").PutAsync(Entry("c1", "10.1.0.2", 256), _lease1);
        var remote = new IpCacheWriter(_c2, "c2");
        await remote.PutAsync(Entry("c2", "10.2.0.2", (2u << 16) + 256), _lease2);
        var mirror = Mirror((_c1, "c1"), (_c2, "c2"));
        var deltas = new DeltaRecorder<IpCacheRecord>();

        await using (Running.Start(ct => mirror.RunAsync(deltas.OnDelta, ct)))
        {
            await deltas.NextAsync();
            var both = await deltas.NextAsync();
            Assert.Equal(["plexus/ipcache/c1/10.1.0.2", "plexus/ipcache/c2/10.2.0.2"], both.Snapshot.Keys.Order());
            await mirror.Synced.WaitAsync(TimeSpan.FromSeconds(15));

            await remote.DeleteAsync(IPAddress.Parse("10.2.0.2"));
            var removed = await deltas.NextAsync();

            Assert.Equal("plexus/ipcache/c2/10.2.0.2", removed.Removed.Single().Key);
            Assert.Equal(["plexus/ipcache/c1/10.1.0.2"], removed.Snapshot.Keys);
            Assert.Equal(removed.Snapshot, mirror.Snapshot);
        }
    }

    [Fact]
    public async Task Entries_that_do_not_decode_or_sit_under_the_wrong_key_are_ignored()
    {
        await _c1.PutAsync("plexus/ipcache/c1/10.1.0.9", "not json");
        await _c1.PutAsync("plexus/ipcache/c1/10.1.0.8", Entry("c1", "10.1.0.7", 256).ToJson());
        await _c1.PutAsync("plexus/ipcache/c1/10.1.0.2", Entry("c1", "10.1.0.2", 256).ToJson());
        var mirror = Mirror((_c1, "c1"));
        var deltas = new DeltaRecorder<IpCacheRecord>();

        await using (Running.Start(ct => mirror.RunAsync(deltas.OnDelta, ct)))
        {
            Assert.Equal(["plexus/ipcache/c1/10.1.0.2"], (await deltas.NextAsync()).Snapshot.Keys);

            await _c1.PutAsync("plexus/ipcache/c1/10.1.0.2", "{}"); // a value that stops decoding counts as removed
            Assert.Equal("plexus/ipcache/c1/10.1.0.2", (await deltas.NextAsync()).Removed.Single().Key);
        }
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_mirror()
    {
        var mirror = new PrefixMirror<string>(_c1, "plexus/test/", kv => kv.Value, TimeProvider.System, NullLogger.Instance);
        var deltas = new DeltaRecorder<string>();
        deltas.BeforeRecord = delta =>
        {
            if (delta.Added.Any(a => a.Value == "boom"))
            {
                throw new InvalidOperationException("subscriber bug");
            }
        };

        await using (Running.Start(ct => mirror.RunAsync(deltas.OnDelta, ct)))
        {
            await deltas.NextAsync();
            await _c1.PutAsync("plexus/test/a", "boom");
            await _c1.PutAsync("plexus/test/b", "fine");

            Assert.Equal("fine", (await deltas.NextAsync()).Added.Single().Value);
            Assert.Equal(2, mirror.Snapshot.Count);
        }
    }

    internal static IpCacheRecord Entry(string cluster, string ip, uint identity) => new()
    {
        Ip = ip,
        Cluster = cluster,
        Identity = identity,
        NodeIp = cluster == "c1" ? "172.20.1.11" : "172.20.2.11",
        Node = "n1",
        EndpointId = 7,
        Namespace = "x",
        Pod = "a",
    };

    private static IpCacheMirror Mirror(params (IStore Store, string Cluster)[] sources) =>
        new(sources.Select(s => new IpCacheSource(s.Cluster, s.Store)), TimeProvider.System, NullLogger<IpCacheMirror>.Instance);
}
