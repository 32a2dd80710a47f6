using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Configuration;
using Plexus.Agent.Registration;
using Plexus.Model.State;
using Plexus.Store;
using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>The node record against a real etcd, with a clock that does not move (no keep-alive round ever comes).</summary>
[Collection(EtcdCollection.Name)]
public sealed class NodeRegistrarTests(EtcdFixture etcd) : IDisposable
{
    private readonly string _stateDir = Directory.CreateTempSubdirectory("plexus-registrar-").FullName;

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    [Fact]
    public async Task A_claimed_pod_block_is_announced_at_once_not_at_the_next_keep_alive()
    {
        await using var store = await etcd.CreateEmptyStoreAsync();
        var config = new AgentConfig
        {
            Node = "n1",
            Cluster = "c1",
            Store = new StoreOptions { Url = etcd.Server.StoreUrl },
            ApiSocket = Path.Combine(_stateDir, "agent.sock"),
            StateDir = _stateDir,
            BpfPinDirectory = _stateDir,
            Addresses = ["172.20.1.11"],
        };
        var time = new FakeTimeProvider();
        var state = new AgentState(time);
        using var registrar = new NodeRegistrar(store, config, state, time, NullLogger<NodeRegistrar>.Instance);
        await registrar.StartAsync(CancellationToken.None);
        try
        {
            var first = await RecordAsync(store, r => r is not null);
            Assert.Null(first.PodCidr);

            state.PodCidr = "10.1.4.0/24";

            var announced = await RecordAsync(store, r => r?.PodCidr is not null);
            Assert.Equal("10.1.4.0/24", announced.PodCidr);
        }
        finally
        {
            await registrar.StopAsync(CancellationToken.None);
        }
    }

    // Polls the store on the real clock (the registrar's is frozen) until the record satisfies `done`.
    private static async Task<NodeRecord> RecordAsync(IStore store, Func<NodeRecord?, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var kv = await store.GetAsync(StoreKeys.Node("c1", "n1"));
            var record = kv is null ? null : NodeRecord.FromJson(kv.Value);
            if (done(record))
            {
                return record!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"node record still {kv?.Value ?? "absent"}");
            await Task.Delay(50);
        }
    }
}
