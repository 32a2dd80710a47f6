using Plexus.Agent.ControlPlane.Endpoints;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>Endpoint records and their writer over the in-memory store.</summary>
public sealed class EndpointWriterTests : IAsyncLifetime
{
    private readonly InMemoryStore _store = new();
    private long _lease;

    /// <inheritdoc />
    public async Task InitializeAsync() => _lease = (await _store.GrantLeaseAsync(TimeSpan.FromHours(1))).Id;

    /// <inheritdoc />
    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Records_are_stored_per_node_with_the_lease_and_read_back()
    {
        var writer = new EndpointWriter(_store, "c1", "n1");
        var record = Record(12);

        Assert.True(await writer.PutAsync(record, _lease));
        await writer.PutAsync(Record(3), _lease);

        var stored = await _store.GetAsync("plexus/endpoints/c1/n1/12");
        Assert.NotNull(stored);
        Assert.Equal(_lease, stored.Lease);
        Assert.Contains("\"state\":\"ready\"", stored.Value, StringComparison.Ordinal);
        var read = EndpointRecord.FromJson(stored.Value);
        Assert.Equal(record.Labels, read?.Labels);
        Assert.Equal(record.Ports, read!.Ports);
        Assert.Equal(record with { Labels = read.Labels, Ports = read.Ports }, read);
        Assert.Equal([3, 12], (await writer.ListAsync()).Select(r => r.Id));
        Assert.True(await writer.DeleteAsync(12));
        Assert.Equal([3], (await writer.ListAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task Records_come_back_under_a_new_lease()
    {
        var writer = new EndpointWriter(_store, "c1", "n1");
        await writer.PutAsync(Record(1), _lease);
        await _store.RevokeLeaseAsync(_lease);
        Assert.Empty(await writer.ListAsync());

        var lease = (await _store.GrantLeaseAsync(TimeSpan.FromHours(1))).Id;
        Assert.True(await writer.RepublishAsync(lease));

        Assert.Equal(lease, (await _store.GetAsync("plexus/endpoints/c1/n1/1"))?.Lease);
        Assert.False(await writer.RepublishAsync(_lease));
    }

    [Fact]
    public async Task A_writer_only_writes_its_own_node()
    {
        var writer = new EndpointWriter(_store, "c1", "n1");

        await Assert.ThrowsAsync<ArgumentException>(() => writer.PutAsync(Record(1) with { Node = "n2" }, _lease));
    }

    private static EndpointRecord Record(int id) => new()
    {
        Id = id,
        Cluster = "c1",
        Node = "n1",
        Namespace = "x",
        Pod = $"p{id}",
        Ip = $"10.1.0.{id + 1}",
        Labels = IdentityAllocatorTests.Pod("web").ToStrings(),
        Ports = [new EndpointPortRecord { Port = 8080, Protocol = "TCP", Name = "http" }, new EndpointPortRecord { Port = 53, Protocol = "UDP", Name = "serve-53-udp" }],
        State = EndpointState.Ready,
        UpdatedAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };
}
