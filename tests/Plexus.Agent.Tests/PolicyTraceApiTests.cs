using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Api;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Cli.Commands;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>
/// <c>GET /v1/policy/trace</c>'s builder over the policy controller's snapshot (in-memory store, recording datapath),
/// and the CLI's report of the agents' answers: names the rules, the reasons and the exit status.
/// </summary>
public sealed class PolicyTraceApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private const uint Web = 1000;
    private const uint Client = 1001;
    private const string DenyClient = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: x}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          - toPorts: [{ports: [{port: "80", protocol: TCP}]}]
          ingressDeny:
          - fromEndpoints: [{matchLabels: {app: client}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;

    private readonly InMemoryStore _store = new();
    private readonly FakePolicyDatapath _datapath = new();
    private PolicyController? _controller;
    private Running? _loop;

    public async Task InitializeAsync()
    {
        await _store.PutAsync(StoreKeys.IdentityId(Web), IdentityLabels.ForPod("c1", "x", new Dictionary<string, string> { ["app"] = "web" }).Canonical);
        await _store.PutAsync(StoreKeys.IdentityId(Client), IdentityLabels.ForPod("c1", "x", new Dictionary<string, string> { ["app"] = "client" }).Canonical);
        await Endpoint(1, Web, "web", "10.1.0.10");
        await Endpoint(2, Client, "client", "10.1.0.11");
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
        _controller = new PolicyController(_store, config, TimeProvider.System, NullLoggerFactory.Instance);
        _loop = Running.Start(ct => _controller.RunAsync(_datapath, _datapath, ct));
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
    public async Task Ingress_trace_names_the_deny_rule_and_reason_181_and_the_policy_that_enforces_default_deny()
    {
        await StoredResources.ApplyAsync(_store, DenyClient);
        await WaitFor(() => _controller!.Snapshot.Policies.TryGetValue(1, out var p) && p.Ingress.DefaultDeny);

        var (view, error, status) = PolicyTraceApi.Trace("n1", _controller!.Snapshot, null, "x/web-1", "ingress", "1001", null, "80", "tcp");

        Assert.True(view is not null, $"{status}: {error}");
        Assert.Equal(("x", "web-1", 1, Web), (view.Endpoint.Namespace, view.Endpoint.Pod, view.Endpoint.Id, view.Endpoint.Identity));
        Assert.Equal(("denied", "DROPPED", 181, "POLICY_DENY"), (view.Decision, view.Verdict, view.DropReason, view.DropReasonDesc));
        Assert.Equal(["CiliumNetworkPolicy/x/web rule#0 ingressDeny#0"], view.Matched!.Sources);
        Assert.Equal(("tcp", "80", "deny"), (view.Matched.Protocol, view.Matched.Ports, view.Matched.Verdict));
        Assert.Equal(["CiliumNetworkPolicy/x/web rule#0"], view.EnforcedBy);
        Assert.Equal("allow", view.AnyPeerMatch!.Verdict);
        Assert.Contains("k8s:app=client", view.Peer.Labels);
        Assert.True(view.Programmed);
    }

    [Fact]
    public async Task A_peer_address_resolves_like_the_datapath_and_an_unenforced_direction_forwards()
    {
        await StoredResources.ApplyAsync(_store, DenyClient);
        await WaitFor(() => _controller!.Snapshot.Policies.ContainsKey(2));
        var snapshot = _controller!.Snapshot;

        var (toWeb, _, _) = PolicyTraceApi.Trace("n1", snapshot, null, "x/client-2", "egress", null, "10.1.0.10", "80", "tcp");
        var (toWorld, _, _) = PolicyTraceApi.Trace("n1", snapshot, _ => null, "x/client-2", "egress", null, "198.51.100.10", "80", "tcp");
        var (viaMap, _, _) = PolicyTraceApi.Trace("n1", snapshot, _ => Web, "x/client-2", "egress", null, "10.1.0.10", "80", "tcp");

        Assert.Equal((Web, "store"), (toWeb!.Peer.Identity, toWeb.Peer.ResolvedBy));
        Assert.Equal((2u, "world"), (toWorld!.Peer.Identity, toWorld.Peer.ResolvedBy));
        Assert.Contains("reserved:world", toWorld.Peer.Labels);
        Assert.Equal((Web, "ipcache"), (viaMap!.Peer.Identity, viaMap.Peer.ResolvedBy));
        Assert.Equal(("not-enforced", "FORWARDED", 0, false), (toWeb.Decision, toWeb.Verdict, toWeb.DropReason, toWeb.Enforced));
    }

    [Theory]
    [InlineData("web-1", "ingress", "1001", "80", "tcp", 400, "pod:")]
    [InlineData("x/web-1", "sideways", "1001", "80", "tcp", 400, "direction:")]
    [InlineData("x/web-1", "ingress", "1001", "70000", "tcp", 400, "port:")]
    [InlineData("x/web-1", "ingress", "1001", "80", "tcpx", 400, "protocol:")]
    [InlineData("x/web-1", "ingress", "abc", "80", "tcp", 400, "peer:")]
    [InlineData("x/nope", "ingress", "1001", "80", "tcp", 404, "x/nope")]
    public async Task Bad_queries_name_the_parameter(string pod, string direction, string peer, string port, string protocol, int expected, string mention)
    {
        await WaitFor(() => _controller!.Snapshot.Policies.ContainsKey(1));

        var (view, error, status) = PolicyTraceApi.Trace("n1", _controller!.Snapshot, null, pod, direction, peer, null, port, protocol);

        Assert.Null(view);
        Assert.Equal(expected, status);
        Assert.Contains(mention, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_drops_at_the_first_dropping_direction_and_renders_rules_and_reasons()
    {
        await StoredResources.ApplyAsync(_store, DenyClient);
        await WaitFor(() => _controller!.Snapshot.Policies.TryGetValue(1, out var p) && p.Ingress.DefaultDeny);
        var snapshot = _controller!.Snapshot;
        var egress = Json(PolicyTraceApi.Trace("n1", snapshot, null, "x/client-2", "egress", null, "10.1.0.10", "80", "tcp").View!);
        var ingress = Json(PolicyTraceApi.Trace("n1", snapshot, null, "x/web-1", "ingress", "1001", null, "80", "tcp").View!);
        var report = new PolicyTraceReport
        {
            From = new JsonObject { ["namespace"] = "x", ["pod"] = "client-2", ["ip"] = "10.1.0.11", ["identity"] = Client, ["cluster"] = "c1", ["node"] = "n1" },
            To = new JsonObject { ["kind"] = "pod", ["namespace"] = "x", ["pod"] = "web-1", ["ip"] = "10.1.0.10", ["port"] = 80, ["protocol"] = "tcp" },
            Paths = [new PolicyTracePath(null, egress, ingress)],
        };

        var text = report.ToText();
        var json = report.ToJson();

        Assert.False(report.Allowed);
        Assert.Equal(("DROPPED", 181L, "ingress"), (report.Paths[0].Verdict, report.Paths[0].DropReason, report.Paths[0].DecidedAt));
        Assert.Contains("RESULT  DROPPED (181 POLICY_DENY at ingress of x/web-1)", text, StringComparison.Ordinal);
        Assert.Contains("CiliumNetworkPolicy/x/web rule#0 ingressDeny#0", text, StringComparison.Ordinal);
        Assert.Contains("yes, default deny by CiliumNetworkPolicy/x/web rule#0", text, StringComparison.Ordinal);
        Assert.Equal(("DROPPED", false), ((string?)json["verdict"], (bool?)json["allowed"]));
        Assert.Equal("POLICY_DENY", (string?)json["paths"]![0]!["ingress"]!["dropReasonDesc"]);
    }

    [Fact]
    public void A_service_with_one_denied_backend_is_dropped_for_one_of_two_and_audit_counts_as_allowed()
    {
        static JsonObject Trace(string verdict, int reason) => new()
        {
            ["node"] = "n1", ["endpoint"] = new JsonObject { ["namespace"] = "x", ["pod"] = "b" }, ["peer"] = new JsonObject { ["identity"] = 5 },
            ["verdict"] = verdict, ["dropReason"] = reason, ["dropReasonDesc"] = reason == 133 ? "POLICY_DENIED" : "",
        };
        var service = new JsonObject { ["kind"] = "service", ["namespace"] = "x", ["service"] = "web", ["ip"] = "10.96.0.10", ["port"] = 80, ["protocol"] = "tcp" };
        var from = new JsonObject { ["namespace"] = "x", ["pod"] = "a" };
        var backend = new JsonObject { ["kind"] = "pod", ["namespace"] = "x", ["pod"] = "b", ["port"] = 8080 };

        var mixed = new PolicyTraceReport
        {
            From = from, To = service,
            Paths = [new(backend, Trace("FORWARDED", 0), Trace("FORWARDED", 0)), new(backend, Trace("FORWARDED", 0), Trace("DROPPED", 133))],
        };
        var audited = new PolicyTraceReport { From = from, To = service, Paths = [new(backend, Trace("AUDIT", 133), null)] };
        var empty = new PolicyTraceReport { From = from, To = service, NoPath = "no backends", Paths = [] };

        Assert.Equal((false, "DROPPED"), (mixed.Allowed, mixed.Verdict));
        Assert.Contains("DROPPED for 1 of 2 backends", mixed.ToText(), StringComparison.Ordinal);
        Assert.Contains("policy is evaluated on the translated backend", mixed.ToText(), StringComparison.Ordinal);
        Assert.Equal((true, "AUDIT", "egress"), (audited.Allowed, audited.Verdict, audited.Paths[0].DecidedAt));
        Assert.False(empty.Allowed);
    }

    [Theory]
    [InlineData("80/tcp", 80, "tcp")]
    [InlineData("53/UDP", 53, "udp")]
    [InlineData("8080", 8080, "tcp")]
    [InlineData("8/icmp", 8, "icmp")]
    public void Port_flag_parses(string text, int port, string protocol) =>
        Assert.Equal((port, protocol), PolicyCommand.ParsePort(text));

    [Theory]
    [InlineData("0/tcp")]
    [InlineData("70000/tcp")]
    [InlineData("80/gre")]
    [InlineData("http/tcp")]
    [InlineData("80/tcp/x")]
    public void A_bad_port_flag_is_bad_input_naming_the_flag(string text)
    {
        var e = Assert.Throws<Plexus.Cli.Infrastructure.CliException>(() => PolicyCommand.ParsePort(text));
        Assert.Equal(2, e.ExitCode);
        Assert.StartsWith("--port:", e.Message, StringComparison.Ordinal);
    }

    private static JsonObject Json(PolicyTraceView view) =>
        JsonNode.Parse(JsonSerializer.Serialize(view, AgentJsonContext.Default.PolicyTraceView))!.AsObject();

    private async Task Endpoint(int id, uint identity, string app, string ip)
    {
        var record = new EndpointRecord
        {
            Id = id,
            Cluster = "c1",
            Node = "n1",
            Namespace = "x",
            Pod = $"{app}-{id}",
            Ip = ip,
            Identity = identity,
            Labels = IdentityLabels.ForPod("c1", "x", new Dictionary<string, string> { ["app"] = app }).ToStrings(),
            State = EndpointState.Ready,
        };
        await _store.PutAsync(StoreKeys.Endpoint("c1", "n1", id), record.ToJson());
        await _store.PutAsync(StoreKeys.IpCache("c1", IPAddress.Parse(ip)), new IpCacheRecord
        {
            Ip = ip, Cluster = "c1", Identity = identity, NodeIp = "172.20.1.11", Node = "n1", EndpointId = id,
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
