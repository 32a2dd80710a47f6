using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Policy;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>The policy controller over the in-memory store with a recording datapath: policies, identities and endpoints in, map programming out.</summary>
public sealed class PolicyControllerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private const uint Web = 1000;
    private const uint Client = 1001;
    private const uint Other = 1002;
    private const string WebPolicy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: x}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: client}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;

    private readonly InMemoryStore _store = new();
    private readonly FakePolicyDatapath _datapath = new();
    private Running? _loop;

    public async Task InitializeAsync()
    {
        await Identity(Web, "x", "web");
        await Identity(Client, "x", "client");
        await Identity(Other, "y", "client");
        await Endpoint(1, Web, "x", "web", "n1", "10.1.1.10");
        await Endpoint(2, Client, "x", "client", "n1", "10.1.1.11");
        await Endpoint(3, Other, "y", "client", "n2", "10.1.2.10");
    }

    public async Task DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    [Fact]
    public async Task A_policy_selecting_a_local_endpoint_makes_it_default_deny_with_its_allow_entries()
    {
        Start();
        await WaitFor(() => _datapath.Of(1) is not null && _datapath.Of(2) is not null);
        Assert.False(_datapath.Of(1)!.Value.Ingress.DefaultDeny);

        await Apply(WebPolicy);

        await WaitFor(() => _datapath.Of(1)?.Ingress.DefaultDeny == true);
        var web = _datapath.Of(1)!.Value;
        var entry = Assert.Single(web.Entries);
        Assert.Equal((PolicyDirection.Ingress, Client, IpProtocols.Tcp, PortPrefix.Single(80), EntryVerdict.Allow),
            (entry.Key.Direction, entry.Key.Identity, entry.Key.Protocol, entry.Key.Ports, entry.Verdict));
        Assert.False(_datapath.Of(2)!.Value.Ingress.DefaultDeny);
        Assert.Null(_datapath.Of(3)); // another node's endpoint
    }

    [Fact]
    public async Task Identities_are_looked_up_by_labels_in_the_mirror_and_follow_its_changes()
    {
        static string Labels(string ns, string app) => IdentityLabels.ForPod("c1", ns, new Dictionary<string, string> { ["app"] = app }).Canonical;
        var controller = Start();

        await WaitFor(() => controller.IdentityOf(Labels("x", "web")) == Web);
        Assert.Equal(Other, controller.IdentityOf(Labels("y", "client")));
        Assert.Null(controller.IdentityOf(Labels("x", "db")));

        await Identity(1003, "x", "db");
        await WaitFor(() => controller.IdentityOf(Labels("x", "db")) == 1003);
        await _store.DeleteAsync(StoreKeys.IdentityId(Web));
        await WaitFor(() => controller.IdentityOf(Labels("x", "web")) is null);
        Assert.Equal(Client, controller.IdentityOf(Labels("x", "client")));
    }

    [Fact]
    public async Task Deleting_the_policy_opens_the_endpoint_again_and_a_removed_endpoint_is_removed_from_the_maps()
    {
        Start();
        var key = await Apply(WebPolicy);
        await WaitFor(() => _datapath.Of(1)?.Ingress.DefaultDeny == true);

        await _store.DeleteAsync(key);
        await WaitFor(() => _datapath.Of(1) is { } p && !p.Ingress.DefaultDeny && p.Entries.Count == 0);

        await _store.DeleteAsync(StoreKeys.Endpoint("c1", "n1", 2));
        await WaitFor(() => _datapath.Of(2) is null);
    }

    [Fact]
    public async Task Endpoints_left_from_an_earlier_run_are_removed_at_the_first_pass()
    {
        _datapath.Preload(42);
        Start();

        await WaitFor(() => _datapath.Of(42) is null && _datapath.Of(1) is not null);
    }

    [Fact]
    public async Task A_CIDR_rule_puts_its_CIDR_identity_into_the_ipcache_and_takes_it_out_with_the_policy()
    {
        Start();
        var key = await Apply("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: out, namespace: x}
            spec:
              endpointSelector: {matchLabels: {app: web}}
              egress:
              - toCIDR: [198.51.100.0/24]
            """);

        await WaitFor(() => _datapath.Cidrs.ContainsKey(Cidr.Parse("198.51.100.0/24")));
        var number = _datapath.Cidrs[Cidr.Parse("198.51.100.0/24")];
        Assert.True(IdentityNumbers.IsLocalScope(number));
        await WaitFor(() => _datapath.Of(1) is { } p && p.Egress.DefaultDeny && p.Entries.Any(e => e.Key.Identity == number));

        await _store.DeleteAsync(key);
        await WaitFor(() => _datapath.Cidrs.Count == 0);
    }

    [Fact]
    public async Task An_endpoint_that_could_not_be_programmed_is_retried()
    {
        Start();
        await WaitFor(() => _datapath.Of(1) is not null);
        _datapath.FailNext = 2;

        await Apply(WebPolicy);

        await WaitFor(() => _datapath.Of(1)?.Ingress.DefaultDeny == true);
        Assert.True(_datapath.SyncCount >= 5);
    }

    private PolicyController Start()
    {
        var config = new AgentConfig
        {
            Node = "n1",
            Cluster = "c1",
            Store = new StoreOptions { Url = "memory://" },
            ApiSocket = "/nonexistent/agent.sock",
            StateDir = "/nonexistent",
            BpfPinDirectory = "/nonexistent",
            PolicyDebounce = TimeSpan.FromMilliseconds(10),
        };
        var controller = new PolicyController(_store, config, TimeProvider.System, NullLoggerFactory.Instance);
        _loop = Running.Start(ct => controller.RunAsync(_datapath, _datapath, ct));
        return controller;
    }

    private Task<string> Apply(string yaml) => StoredResources.ApplyAsync(_store, yaml);

    private Task Identity(uint number, string ns, string app) =>
        _store.PutAsync(StoreKeys.IdentityId(number), IdentityLabels.ForPod("c1", ns, new Dictionary<string, string> { ["app"] = app }).Canonical);

    private async Task Endpoint(int id, uint identity, string ns, string app, string node, string ip)
    {
        var record = new EndpointRecord
        {
            Id = id,
            Cluster = "c1",
            Node = node,
            Namespace = ns,
            Pod = $"{app}-{id}",
            Ip = ip,
            Identity = identity,
            Labels = IdentityLabels.ForPod("c1", ns, new Dictionary<string, string> { ["app"] = app }).ToStrings(),
            State = EndpointState.Ready,
        };
        await _store.PutAsync(StoreKeys.Endpoint("c1", node, id), record.ToJson());
        await _store.PutAsync(StoreKeys.IpCache("c1", System.Net.IPAddress.Parse(ip)), new IpCacheRecord
        {
            Ip = ip,
            Cluster = "c1",
            Identity = identity,
            NodeIp = node == "n1" ? "172.20.1.11" : "172.20.1.12",
            Node = node,
            EndpointId = id,
        }.ToJson());
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within the deadline");
            await Task.Delay(20);
        }
    }
}
