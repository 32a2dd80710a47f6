using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;
using Plexus.Lab.Agents;
using Plexus.Lab.Processes;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Integration.Tests;

/// <summary>plexus-agent as a real process against a real etcd: registration, leases, outages, API, shutdown.</summary>
public sealed class AgentTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private EtcdServer _etcd = null!;
    private IStore _store = null!;

    public async Task InitializeAsync()
    {
        _etcd = await EtcdServer.StartNewAsync(_dir["etcd"]);
        _store = StoreFactory.Create(new StoreOptions { Url = _etcd.StoreUrl });
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _etcd.DisposeAsync();
        _dir.Dispose();
    }

    private AgentProcess StartAgent(string node, string leaseTtl = "6s") =>
        AgentProcess.Start(node, "c1", 1, _etcd.StoreUrl, _dir[node], ["--lease-ttl", leaseTtl]);

    private async Task<NodeRecord?> NodeAsync(string node) =>
        await _store.GetAsync(StoreKeys.Node("c1", node)) is { } kv ? NodeRecord.FromJson(kv.Value) : null;

    [Fact]
    public async Task Agent_registers_its_node_and_get_nodes_shows_it()
    {
        await using var agent = StartAgent("reg1");

        await Wait.UntilAsync(async () => await NodeAsync("reg1") is not null, TimeSpan.FromSeconds(20), "node record");
        var record = (await NodeAsync("reg1"))!;
        Assert.Equal(agent.Pid, record.AgentPid);
        Assert.Equal(agent.ApiSocket, record.ApiSocket);
        var lease = (await _store.GetAsync(StoreKeys.Node("c1", "reg1")))!.Lease;
        Assert.NotEqual(0, lease);

        var table = await Cli.PlexusAsync("get", "nodes", "--store", _etcd.StoreUrl);
        Assert.Matches(@"(?m)^c1\s+reg1\s+Ready\s", table.Stdout);
    }

    [Fact]
    public async Task Api_socket_is_private_and_serves_health_and_status()
    {
        await using var agent = StartAgent("api1");
        await Wait.UntilAsync(async () => await NodeAsync("api1") is not null, TimeSpan.FromSeconds(20), "node record");
        await Wait.UntilAsync(() => Task.FromResult(File.Exists(agent.ApiSocket)), TimeSpan.FromSeconds(10), "API socket");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(agent.ApiSocket));
        using var client = new AgentClient(agent.ApiSocket);
        var (code, health) = await client.HealthAsync();
        Assert.Equal(200, code);
        Assert.Equal("ok", (string?)health!["status"]);
        var status = await client.StatusAsync();
        Assert.Equal("api1", (string?)status["node"]);
        Assert.Equal("c1", (string?)status["cluster"]);
        Assert.True((bool)status["store"]!["connected"]!);
    }

    [Fact]
    public async Task Node_record_is_back_within_5_s_after_etcd_was_down_for_10_s()
    {
        await using var agent = StartAgent("outage1", leaseTtl: "15s");
        await Wait.UntilAsync(async () => await NodeAsync("outage1") is not null, TimeSpan.FromSeconds(20), "node record");
        using var client = new AgentClient(agent.ApiSocket);

        _etcd.Stop();
        await Wait.UntilAsync(async () => (await client.HealthAsync()).Code == 503, TimeSpan.FromSeconds(10), "agent reports the store down");
        await Task.Delay(TimeSpan.FromSeconds(10)); // the outage itself, as the acceptance asks
        await _etcd.StartAsync();

        var back = await Wait.UntilAsync(async () => await NodeAsync("outage1") is not null, TimeSpan.FromSeconds(5), "node record after the outage");
        Assert.True(back < TimeSpan.FromSeconds(5));
        var table = await Cli.PlexusAsync("get", "nodes", "--store", _etcd.StoreUrl);
        Assert.Matches(@"(?m)^c1\s+outage1\s+Ready\s", table.Stdout);
        await Wait.UntilAsync(async () => (await client.HealthAsync()).Code == 200, TimeSpan.FromSeconds(5), "agent healthy again");
        Assert.True(agent.IsRunning);
    }

    [Fact]
    public async Task Node_record_vanishes_when_the_agent_dies_and_its_lease_expires()
    {
        await using var agent = StartAgent("dead1", leaseTtl: "3s");
        await Wait.UntilAsync(async () => await NodeAsync("dead1") is not null, TimeSpan.FromSeconds(20), "node record");

        Plexus.Interop.Posix.Signals.Send(agent.Pid, Plexus.Interop.Posix.Signals.SigKill);

        await Wait.UntilAsync(async () => await NodeAsync("dead1") is null, TimeSpan.FromSeconds(15), "record gone after lease expiry");
    }

    [Fact]
    public async Task A_restarted_agent_reuses_its_live_lease()
    {
        long lease;
        await using (var first = StartAgent("restart1", leaseTtl: "30s"))
        {
            await Wait.UntilAsync(async () => await NodeAsync("restart1") is not null, TimeSpan.FromSeconds(20), "node record");
            lease = (await _store.GetAsync(StoreKeys.Node("c1", "restart1")))!.Lease;
            Plexus.Interop.Posix.Signals.Send(first.Pid, Plexus.Interop.Posix.Signals.SigKill);
        }

        await using var second = StartAgent("restart1", leaseTtl: "30s");
        await Wait.UntilAsync(async () => (await NodeAsync("restart1"))?.AgentPid == second.Pid, TimeSpan.FromSeconds(20), "record from the new process");

        Assert.Equal(lease, (await _store.GetAsync(StoreKeys.Node("c1", "restart1")))!.Lease);
    }

    [Fact]
    public async Task Sigterm_shuts_down_cleanly_and_removes_the_socket()
    {
        var agent = StartAgent("term1");
        await Wait.UntilAsync(async () => await NodeAsync("term1") is not null, TimeSpan.FromSeconds(20), "node record");

        await agent.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, agent.ExitCode);
        Assert.False(File.Exists(agent.ApiSocket));
        Assert.Contains("shutting down", await File.ReadAllTextAsync(agent.LogFile), StringComparison.Ordinal);
        await agent.DisposeAsync();
    }

    [Theory]
    [InlineData("node: n1\nstore:\n  url: etcd://127.0.0.1:2379\n  uri: x\n", "config.yaml:4:", "unknown field \"uri\"")]
    [InlineData("node: N_1\nstore: {url: 'etcd://127.0.0.1:2379'}\n", "config.yaml: node:", "not a valid name")]
    [InlineData("node: n1\n", "config.yaml: store.url:", "required")]
    [InlineData("node: n1\nstore: {url: 'http://x'}\nleaseTtl: 1s\n", "leaseTtl", "between 2s and 1h")]
    [InlineData("node: n1\nstore: {url: 'etcd://x:1'}\nclusterId: 300\n", "clusterId", "out of range")]
    [InlineData("node: [n1\n", "config.yaml:1:", "")]
    public async Task Bad_config_exits_2_naming_file_and_field(string yaml, string where, string reason)
    {
        var file = _dir.Write("badcfg/config.yaml", yaml);

        var result = await Cli.RunAsync("plexus-agent", ["--config", file]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(where, result.Stderr, StringComparison.Ordinal);
        Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_flag_exits_2()
    {
        var result = await Cli.RunAsync("plexus-agent", ["--nod", "x"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--nod", result.Stderr, StringComparison.Ordinal);
    }
}
