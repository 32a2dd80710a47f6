using System.Diagnostics;

namespace Plexus.Store.Tests;

/// <summary>Behaviour specific to <see cref="EtcdStore"/>: outages, restarts, failover and TLS.</summary>
public sealed class EtcdStoreTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    private readonly string _prefix = $"/etcd-only/{Guid.NewGuid():N}/";

    [Fact]
    public async Task A_caught_up_watch_survives_a_restart_and_sees_the_writes_made_after_it()
    {
        using var server = await EtcdProcess.StartNewAsync();
        await using var store = new EtcdStore(server.StoreOptions);
        var before = await store.PutAsync(_prefix + "before", "v");
        await using var watch = new WatchReader(store, _prefix, before);
        Assert.Equal(before, (await watch.NextAsync()).Revision);
        var waiting = watch.NextAsync(TimeSpan.FromSeconds(30));

        server.Stop();
        await server.StartAsync();
        var after = await store.PutAsync(_prefix + "after", "v");
        var sentinel = await store.PutAsync(_prefix + "sentinel", "v");

        Assert.Equal((_prefix + "after", after), await KeyAndRevision(waiting));
        Assert.Equal((_prefix + "sentinel", sentinel), await KeyAndRevision(watch.NextAsync()));
    }

    [Fact]
    public async Task Writes_not_yet_delivered_when_etcd_stops_arrive_once_after_the_restart()
    {
        using var server = await EtcdProcess.StartNewAsync();
        await using var store = new EtcdStore(server.StoreOptions);
        var from = (await store.ListAsync(_prefix)).Revision + 1;
        await using var watch = new WatchReader(store, _prefix, from);
        var delivered = await store.PutAsync(_prefix + "1", "delivered");
        Assert.Equal(delivered, (await watch.NextAsync()).Revision);

        // The reader is paused: these are written but not consumed when etcd dies.
        var expected = new List<long>
        {
            await store.PutAsync(_prefix + "2", "pending"),
            (await store.CreateAsync(_prefix + "3", "pending")).Revision,
        };
        Assert.True(await store.DeleteAsync(_prefix + "1"));
        expected.Add((await store.ListAsync(_prefix)).Revision);
        server.Stop();
        await server.StartAsync();
        expected.Add(await store.PutAsync(_prefix + "4", "after restart"));
        expected.Add(await store.PutAsync(_prefix + "5", "after restart"));

        var events = await watch.NextAsync(expected.Count);

        Assert.Equal(expected, events.Select(e => e.Revision));
        Assert.Equal(
            [WatchEventType.Put, WatchEventType.Put, WatchEventType.Delete, WatchEventType.Put, WatchEventType.Put],
            events.Select(e => e.Type));
        var sentinel = await store.PutAsync(_prefix + "sentinel", "v");
        Assert.Equal(sentinel, (await watch.NextAsync()).Revision);
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_fast_with_store_unavailable_naming_it()
    {
        var endpoint = $"127.0.0.1:{Plexus.Lab.Processes.FreePorts.Take()}";
        await using var store = new EtcdStore(new StoreOptions { Url = $"etcd://{endpoint}" });
        var elapsed = Stopwatch.StartNew();

        var read = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(_prefix + "k"));
        var write = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PutAsync(_prefix + "k", "v"));

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"took {elapsed.Elapsed}");
        Assert.Contains(endpoint, read.Message, StringComparison.Ordinal);
        Assert.Contains(endpoint, write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_and_watches_fail_over_past_a_dead_endpoint()
    {
        var options = etcd.Process.StoreOptions with { Url = $"etcd://127.0.0.1:{Plexus.Lab.Processes.FreePorts.Take()},{etcd.Process.Endpoint}" };
        await using var store = new EtcdStore(options);

        var put = await store.PutAsync(_prefix + "k", "v");
        Assert.Equal("v", (await store.GetAsync(_prefix + "k"))!.Value);
        await using var watch = new WatchReader(store, _prefix, put);
        Assert.Equal(put, (await watch.NextAsync()).Revision);
    }

    [Fact]
    public async Task Tls_with_a_client_certificate_from_the_trusted_ca_works()
    {
        using var server = await EtcdProcess.StartNewAsync(tls: true);
        await using var store = new EtcdStore(server.StoreOptions);

        var put = await store.PutAsync(_prefix + "k", "secret");
        Assert.Equal("secret", (await store.GetAsync(_prefix + "k"))!.Value);
        await using var watch = new WatchReader(store, _prefix, put);
        Assert.Equal(put, (await watch.NextAsync()).Revision);
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(lease.Ttl, await store.KeepAliveAsync(lease.Id));
    }

    [Fact]
    public async Task Tls_refuses_a_client_certificate_from_another_ca_and_a_server_from_an_untrusted_ca()
    {
        using var server = await EtcdProcess.StartNewAsync(tls: true);
        using var rogue = new TestCertificateAuthority("rogue-ca");
        var intruder = rogue.IssueClient(server.WorkDirectory, "intruder");
        var rogueCa = rogue.WriteCertificate(Path.Combine(server.WorkDirectory, "rogue-ca.pem"));

        await using var untrustedClient = new EtcdStore(server.StoreOptions with { CertFile = intruder.CertFile, KeyFile = intruder.KeyFile });
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => untrustedClient.GetAsync(_prefix + "k"));
        Assert.Contains(server.Endpoint, refused.Message, StringComparison.Ordinal);

        await using var untrustedServer = new EtcdStore(server.StoreOptions with { CaFile = rogueCa });
        await Assert.ThrowsAsync<StoreUnavailableException>(() => untrustedServer.GetAsync(_prefix + "k"));

        await using var trusted = new EtcdStore(server.StoreOptions);
        Assert.Null(await trusted.GetAsync(_prefix + "k"));
    }

    private static async Task<(string Key, long Revision)> KeyAndRevision(Task<WatchEvent> next)
    {
        var watchEvent = await next;
        return (watchEvent.Kv.Key, watchEvent.Revision);
    }
}
