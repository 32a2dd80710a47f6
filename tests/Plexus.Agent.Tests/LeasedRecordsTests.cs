using Plexus.Agent.ControlPlane;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>Records kept under the node's lease: written together in one transaction, and written again under a new lease.</summary>
public sealed class LeasedRecordsTests : IAsyncLifetime
{
    private readonly InMemoryStore _store = new();

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Records_of_two_holders_written_together_share_one_revision_and_are_republished_under_a_new_lease()
    {
        var endpoints = new LeasedRecords(_store);
        var ipcache = new LeasedRecords(_store);
        var lease = await _store.GrantLeaseAsync(TimeSpan.FromSeconds(30));

        Assert.True(await LeasedRecords.PutTogetherAsync(_store, [(endpoints, "e/1", "endpoint"), (ipcache, "i/10.1.1.2", "entry")], lease.Id, CancellationToken.None));

        var endpoint = await _store.GetAsync("e/1");
        var entry = await _store.GetAsync("i/10.1.1.2");
        Assert.Equal(("endpoint", "entry"), (endpoint!.Value, entry!.Value));
        Assert.Equal(endpoint.ModRevision, entry.ModRevision);
        Assert.Equal(lease.Id, entry.Lease);

        // The lease expires: both keys go; each holder writes its own again under the next lease.
        await _store.RevokeLeaseAsync(lease.Id);
        Assert.Null(await _store.GetAsync("e/1"));
        var next = await _store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        Assert.True(await endpoints.RepublishAsync(next.Id, CancellationToken.None));
        Assert.True(await ipcache.RepublishAsync(next.Id, CancellationToken.None));
        Assert.Equal("endpoint", (await _store.GetAsync("e/1"))!.Value);
        Assert.Equal(next.Id, (await _store.GetAsync("i/10.1.1.2"))!.Lease);
    }

    [Fact]
    public async Task A_lease_that_is_gone_writes_nothing_and_is_reported()
    {
        var endpoints = new LeasedRecords(_store);
        var ipcache = new LeasedRecords(_store);
        var lease = await _store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await _store.RevokeLeaseAsync(lease.Id);

        Assert.False(await LeasedRecords.PutTogetherAsync(_store, [(endpoints, "e/1", "endpoint"), (ipcache, "i/10.1.1.2", "entry")], lease.Id, CancellationToken.None));

        Assert.Empty((await _store.ListAsync("")).Items);
        var next = await _store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        Assert.True(await ipcache.RepublishAsync(next.Id, CancellationToken.None));
        Assert.Equal("entry", (await _store.GetAsync("i/10.1.1.2"))!.Value);
    }
}
