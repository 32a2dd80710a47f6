using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Plexus.Datapath;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Integration.Tests.Support;
using Plexus.Interop.Bpf;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using Plexus.Lab.Topology;

namespace Plexus.Integration.Tests;

/// <summary>
/// Services through the eBPF datapath with real traffic (issue #5): every pod reaches a 3-backend service by its VIP
/// and named target port, new connections spread evenly, hairpin works, backend churn ends pinned connections with a
/// RST while the others keep going, an empty service refuses at once, and NodePort/LoadBalancer addresses answer
/// an external host through either node. Also: a pod is reachable from a node whose agent has not heard of it yet
/// (its node's pod block routes it into the tunnel).
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Privileged")]
public sealed class LabServiceTrafficTests
{
    private const string Topology = """
        apiVersion: plexus.io/v1
        kind: Lab
        metadata: {name: NAME}
        spec:
          clusters:
          - {name: c1, id: 1, podCIDR: 10.1.0.0/16, nodes: [n1, n2]}
          namespaces:
          - {name: web, labels: {team: web}}
          - {name: other}
          pods:
          - {name: web1, namespace: web, node: n1, labels: {app: web}, serve: [{port: 8080, protocol: tcp, name: http}, 5353/udp]}
          - {name: web2, namespace: web, node: n2, labels: {app: web}, serve: [{port: 8080, protocol: tcp, name: http}, 5353/udp]}
          - {name: web3, namespace: web, node: n2, labels: {app: web}, serve: [{port: 8080, protocol: tcp, name: http}, 5353/udp]}
          - {name: client1, namespace: web, node: n1, labels: {app: client}, serve: [80/tcp]}
          - {name: client2, namespace: other, node: n2, labels: {app: client}, serve: [80/tcp]}
          externals:
          - {name: ext1, address: 198.51.100.10, serve: [80/tcp]}
        """;

    private const string WebService = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: web}
        spec:
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: http}
          - {name: dns, port: 53, targetPort: 5353, protocol: UDP}
        """;

    private static readonly string[] Backends = ["web/web1", "web/web2", "web/web3"];

    [Fact]
    public async Task Every_pod_reaches_a_three_backend_service_by_vip_and_named_port_and_3000_connections_spread_evenly()
    {
        await using var lab = new LabUnderTest(Topology);
        var status = await lab.UpAsync();
        var vip = await ApplyAsync(lab, WebService, "web", "web");
        Assert.True(IPNetwork.Parse("10.96.0.0/12").Contains(IPAddress.Parse(vip)), $"clusterIP {vip} in the service CIDR");

        foreach (var pod in status["pods"]!.AsArray().Select(p => $"{(string)p!["namespace"]!}/{(string)p["name"]!}"))
        {
            // Every pod, the backends too (hairpin when Maglev picks the pod itself), over TCP and UDP.
            var tcp = await CountAsync(lab, pod, $"{vip}:80", 30);
            Assert.Equal(30, tcp.Succeeded);
            Assert.All(tcp.Replies.Keys, reply => Assert.Contains(reply, Backends));
            var udp = await CountAsync(lab, pod, $"{vip}:53", 10, "udp");
            Assert.Equal(10, udp.Succeeded);
            Assert.All(udp.Replies.Keys, reply => Assert.Contains(reply, Backends));
        }

        var spread = await CountAsync(lab, "web/client1", $"{vip}:80", 3000);
        Assert.Equal(3000, spread.Succeeded);
        Assert.All(Backends, backend => Assert.InRange(spread.Replies.GetValueOrDefault(backend), 900, 1100));
    }

    [Fact]
    public async Task A_pod_reaches_itself_through_the_vip()
    {
        await using var lab = new LabUnderTest(Topology);
        await lab.UpAsync();
        var vip = await ApplyAsync(lab, """
            apiVersion: v1
            kind: Service
            metadata: {name: self, namespace: web}
            spec:
              selector: {app: client}
              ports:
              - {port: 80, targetPort: 80}
            """, "web", "self");

        var hairpin = await CountAsync(lab, "web/client1", $"{vip}:80", 20);

        Assert.Equal(20, hairpin.Succeeded);
        Assert.Equal(["web/client1"], hairpin.Replies.Keys);
    }

    [Fact]
    public async Task Removing_a_backend_resets_its_connections_and_leaves_the_others_untouched()
    {
        await using var lab = new LabUnderTest(Topology);
        await lab.UpAsync();
        var vip = await ApplyAsync(lab, WebService, "web", "web");

        // Twelve held connections, six from each of two clients on different nodes: Maglev spreads them over the backends.
        var holds = new[] { "web/client1", "other/client2" }
            .Select(client => lab.PlexusAsync("lab", "exec", client, "--", "sh", "-c",
                $"for i in 1 2 3 4 5 6; do plexus-probe connect {vip}:80 --hold 20s --interval 100ms --timeout 2s & done; wait"))
            .ToList();
        // `plexus services` counts each backend's open connections from the client nodes' conntrack: wait for all twelve.
        var counts = new Dictionary<string, long>();
        await Wait.UntilAsync(async () =>
        {
            var services = await lab.PlexusAsync("services", "-o", "json");
            counts = JsonNode.Parse(services.Stdout)!.AsArray()
                .Where(f => (string?)f!["service"] == "web" && (int?)f["port"] == 80 && (string?)f["kind"] == "ClusterIP")
                .SelectMany(f => f!["backends"]!.AsArray())
                .GroupBy(b => (string)b!["pod"]!)
                .ToDictionary(g => g.Key, g => g.Sum(b => (long)b!["connections"]!));
            return counts.Values.Sum() >= 12;
        }, TimeSpan.FromSeconds(15), "twelve held connections counted by plexus services");
        Assert.True(counts.GetValueOrDefault("web/web3") > 0, $"no held connection landed on web3: {string.Join(", ", counts)}");
        await DeletePodAsync(lab, "n2", "web", "web3");
        var ended = (await Task.WhenAll(holds))
            .SelectMany(r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => (Result: r, Json: JsonNode.Parse(line)!)))
            .ToList();

        var onRemoved = ended.Where(e => (string?)e.Json["reply"] == "web/web3").ToList();
        var onOthers = ended.Where(e => (string?)e.Json["reply"] is "web/web1" or "web/web2").ToList();
        Assert.Equal(12, onRemoved.Count + onOthers.Count);
        Assert.NotEmpty(onRemoved);
        Assert.All(onOthers, e => Assert.True((string)e.Json["end"]! == "completed", $"untouched connection ended: {e.Result}"));
        Assert.All(onRemoved, e =>
        {
            // Ended cleanly and promptly, not black-holed until the client's timeout: aborted by the client's agent, or
            // (when the agent's sync comes after the client's next packet) a RST from the datapath.
            Assert.True((string)e.Json["end"]! is "aborted" or "reset", $"connection to the removed backend: {e.Result}");
            Assert.True((long)e.Json["elapsedMs"]! < 18000, $"reset came late (black-holed until the timeout?): {e.Result}");
        });

        var after = await CountAsync(lab, "web/client1", $"{vip}:80", 200);
        Assert.Equal(200, after.Succeeded);
        Assert.DoesNotContain("web/web3", after.Replies.Keys);
    }

    [Fact]
    public async Task A_client_waiting_for_an_answer_from_a_removed_backend_is_ended_by_its_agent()
    {
        await using var lab = new LabUnderTest(Topology);
        await lab.UpAsync();
        var vip = await ApplyAsync(lab, WebService, "web", "web");

        // One connection to web3 from each node's client (n2's is local to web3, n1's crosses the tunnel). Each has had
        // its answer and now waits for more with nothing in flight: no packet of its own would meet the datapath's RST.
        var waiting = new List<(string Client, Socket Socket, Task<int> Receive)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            foreach (var (ns, pod) in new[] { ("web", "client1"), ("other", "client2") })
            {
                var socket = await ConnectToAsync(lab, ns, pod, vip, "web/web3");
                await socket.SendAsync("ping\n"u8.ToArray(), SocketFlags.None);
                Assert.Equal("web/web3", await ReadLineAsync(socket, timeout.Token));
                waiting.Add(($"{ns}/{pod}", socket, socket.ReceiveAsync(new byte[64], SocketFlags.None, timeout.Token).AsTask()));
            }

            await DeletePodAsync(lab, "n2", "web", "web3");

            foreach (var (client, _, receive) in waiting)
            {
                // Ended by the client's agent (ECONNABORTED), not black-holed until the 30 s cancellation.
                var ended = await Record.ExceptionAsync(() => receive);
                Assert.True(ended is SocketException { SocketErrorCode: SocketError.ConnectionAborted }, $"{client}: {ended?.GetType().Name} {ended?.Message}");
            }
        }
        finally
        {
            foreach (var (_, socket, _) in waiting)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_service_without_backends_refuses_at_once_and_counts_service_backend_not_found()
    {
        await using var lab = new LabUnderTest(Topology);
        await lab.UpAsync();
        var vip = await ApplyAsync(lab, """
            apiVersion: v1
            kind: Service
            metadata: {name: empty, namespace: web}
            spec:
              selector: {app: nobody}
              ports:
              - {port: 80, targetPort: 8080}
            """, "web", "empty");
        var before = Dropped(lab, "n1", DropReason.ServiceBackendNotFound);

        // A RST, not silence: the probe reports ConnectionRefused (a black hole reads "timed out after 10000 ms"), and
        // well before its timeout even counting the start of two processes on a busy machine.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await lab.PlexusAsync("lab", "exec", "web/client1", "--", "plexus-probe", "connect", $"{vip}:80", "--timeout", "10s");
        clock.Stop();

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("ConnectionRefused", refused.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"refused after {clock.Elapsed}");
        Assert.True(Dropped(lab, "n1", DropReason.ServiceBackendNotFound) > before, "a SERVICE_BACKEND_NOT_FOUND drop counted on n1");
    }

    [Fact]
    public async Task NodePort_and_LoadBalancer_addresses_answer_an_external_host_through_either_node()
    {
        await using var lab = new LabUnderTest(Topology);
        var status = await lab.UpAsync();
        var (nodePort, lbIp) = await ApplyWebLoadBalancerAsync(lab);
        Assert.InRange(nodePort, 30000, 32767);
        var nodes = Nodes(status);
        Assert.Equal(2, nodes.Count);

        foreach (var (name, address) in nodes)
        {
            var viaNodePort = await CountAsync(lab, "ext/ext1", $"{address}:{nodePort}", 30);
            Assert.True(viaNodePort.Succeeded == 30, $"NodePort via {name}: {viaNodePort}");
            Assert.All(viaNodePort.Replies.Keys, reply => Assert.Contains(reply, Backends));
            // The backends on the other node are reached too (SNAT through the tunnel).
            Assert.True(viaNodePort.Replies.Count >= 2, $"NodePort via {name} reached only {string.Join(", ", viaNodePort.Replies.Keys)}");

            RouteThroughNode(lab, lbIp, address);
            var viaLb = await CountAsync(lab, "ext/ext1", $"{lbIp}:80", 30);
            Assert.True(viaLb.Succeeded == 30, $"LoadBalancer {lbIp} via {name}: {viaLb}");
            Assert.All(viaLb.Replies.Keys, reply => Assert.Contains(reply, Backends));
        }
    }

    [Fact]
    public async Task A_client_reusing_its_port_for_another_frontend_of_the_same_backend_is_answered_by_that_frontend()
    {
        await using var lab = new LabUnderTest(Topology);
        var status = await lab.UpAsync();
        // One backend (web1 on n1): the node port and the LoadBalancer address translate the same client port to the
        // same tuple towards it, as when a busy client's kernel reuses a port within the closing lifetime.
        await DeletePodAsync(lab, "n2", "web", "web2");
        await DeletePodAsync(lab, "n2", "web", "web3");
        var (nodePort, lbIp) = await ApplyWebLoadBalancerAsync(lab);
        var nodes = Nodes(status);
        foreach (var node in new[] { "n1", "n2" })
        {
            using var agent = new Plexus.Lab.Agents.AgentClient(lab.Paths.AgentSocket("c1", node));
            await Wait.UntilAsync(
                async () => (await agent.ServicesAsync()).Where(f => (string?)f!["service"] == "web/web-lb").ToList() is { Count: 3 } frontends
                    && frontends.All(f => f!["backends"]!.AsArray().Count == 1),
                TimeSpan.FromSeconds(10), $"web-lb down to one backend on {node}");
        }

        // Through n1 the backend is local (DNAT only); through n2 it is behind the tunnel (SNAT, which keeps its port
        // for the reused tuple too).
        var sourcePort = 40100;
        foreach (var (name, address) in nodes)
        {
            RouteThroughNode(lab, lbIp, address);
            for (var i = 0; i < 3; i++, sourcePort++)
            {
                foreach (var target in new[] { $"{address}:{nodePort}", $"{lbIp}:80" })
                {
                    var run = await lab.PlexusAsync("lab", "exec", "ext/ext1", "--", "plexus-probe", "connect", target, "--source-port", $"{sourcePort}", "--timeout", "2s");
                    Assert.True(run.ExitCode == 0 && run.Stdout.Trim() == "web/web1", $"via {name}, port {sourcePort} → {target}: {run}");
                }
            }
        }
    }

    [Fact]
    public async Task A_new_pod_answers_a_pod_on_another_node_whose_agent_has_not_heard_of_it_through_its_nodes_block()
    {
        await using var lab = new LabUnderTest(Topology);
        var status = await lab.UpAsync();
        var instance = Plexus.Lab.Runtime.LabInstance.Load(lab.Name);
        var n1Agent = (int)status["nodes"]!.AsArray().Single(n => (string)n!["name"]! == "n1")!["agentPid"]!;
        var late = new Plexus.Model.LabPod("late", "web", "c1", "n2", new Dictionary<string, string> { ["app"] = "late" }, []);
        var netns = instance.Netns(late);
        NetNs.Create(netns);
        using var handle = NetNs.Open(netns);
        using var listener = NetNs.Run(handle, () =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, 8080));
            socket.Listen(8);
            return socket;
        });
        var served = Task.Run(async () =>
        {
            using var peer = await listener.AcceptAsync();
            await peer.SendAsync("web/late\n"u8.ToArray());
        });

        // n1 knows n2's pod block once n2's record names it (n2 claims the block at start and announces it).
        using (var tunnel = BpfMap.OpenPinned(Path.Combine(lab.Paths.PinDirectory("c1", "n1"), MapNames.Tunnel)))
        {
            await Wait.UntilAsync(() => Task.FromResult(tunnel.GetKeys<IpCacheKey>().Any()), TimeSpan.FromSeconds(10), "n2's pod block in n1's tunnel map");
        }

        // n1's agent stopped: it learns nothing of the new pod; only n1's datapath, with what it had, is left.
        Assert.True(Plexus.Interop.Posix.Signals.Send(n1Agent, Plexus.Interop.Posix.Signals.SigStop));
        try
        {
            var endpoint = await Plexus.Lab.Runtime.LabEndpoints.EnsureAsync(instance, late, TimeSpan.FromSeconds(20), CancellationToken.None);
            using (var ipcache = BpfMap.OpenPinned(Path.Combine(lab.Paths.PinDirectory("c1", "n1"), MapNames.IpCache)))
            {
                Assert.Null(ipcache.Lookup<IpCacheKey, IpCacheInfo>(NodeDatapath.IpCacheKeyOf(new IPNetwork(IPAddress.Parse(endpoint.Ip!), 32))));
            }

            var run = await lab.PlexusAsync("lab", "exec", "web/client1", "--", "plexus-probe", "connect", $"{endpoint.Ip}:8080", "--timeout", "3s");
            Assert.True(run.ExitCode == 0 && run.Stdout.Trim() == "web/late", run.ToString());
            await served.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Plexus.Interop.Posix.Signals.Send(n1Agent, Plexus.Interop.Posix.Signals.SigCont);
        }
    }

    private sealed record Tally(int Succeeded, Dictionary<string, int> Replies, string Raw)
    {
        public override string ToString() => Raw;
    }

    // Service web/web-lb of type LoadBalancer over every app=web pod: its node port and LoadBalancer address.
    private static async Task<(int NodePort, string LbIp)> ApplyWebLoadBalancerAsync(LabUnderTest lab)
    {
        await ApplyAsync(lab, """
            apiVersion: v1
            kind: Service
            metadata: {name: web-lb, namespace: web}
            spec:
              type: LoadBalancer
              selector: {app: web}
              ports:
              - {name: http, port: 80, targetPort: http}
            """, "web", "web-lb");
        var service = await GetServiceAsync(lab, "web", "web-lb");
        var nodePort = (int)service["spec"]!["ports"]![0]!["nodePort"]!;
        return (nodePort, (string)service["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!);
    }

    private static List<(string Name, string Address)> Nodes(JsonObject status) =>
        status["nodes"]!.AsArray().Select(n => ((string)n!["name"]!, (string)n["address"]!)).ToList();

    private static async Task<string> ApplyAsync(LabUnderTest lab, string manifest, string ns, string name)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plexus-svc-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        try
        {
            var applied = await lab.PlexusAsync("apply", "-f", file);
            Assert.True(applied.ExitCode == 0, applied.ToString());
        }
        finally
        {
            File.Delete(file);
        }

        var service = await GetServiceAsync(lab, ns, name);
        var vip = (string?)service["spec"]?["clusterIP"];
        Assert.False(string.IsNullOrEmpty(vip), service.ToJsonString());

        // Allocated is not yet programmed: wait until every node's datapath serves the VIP.
        foreach (var node in new[] { "n1", "n2" })
        {
            using var agent = new Plexus.Lab.Agents.AgentClient(lab.Paths.AgentSocket("c1", node));
            await Wait.UntilAsync(
                async () => (await agent.ServicesAsync()).Any(f => (string?)f!["address"] == vip),
                TimeSpan.FromSeconds(10), $"{ns}/{name} ({vip}) programmed on {node}");
        }

        return vip!;
    }

    private static async Task<JsonNode> GetServiceAsync(LabUnderTest lab, string ns, string name)
    {
        JsonNode? service = null;
        await Wait.UntilAsync(async () =>
        {
            var get = await lab.PlexusAsync("get", "service", name, "-n", ns, "-o", "json");
            service = get.ExitCode == 0 ? JsonNode.Parse(get.Stdout) : null;
            return service?["spec"]?["clusterIP"] is not null
                && (service["spec"]?["type"] is null || (string?)service["spec"]!["type"] != "LoadBalancer" || service["status"]?["loadBalancer"]?["ingress"]?[0] is not null);
        }, TimeSpan.FromSeconds(10), $"service {ns}/{name} allocated");
        return service!;
    }

    private static async Task<Tally> CountAsync(LabUnderTest lab, string from, string target, int count, string protocol = "tcp")
    {
        var run = await lab.PlexusAsync("lab", "exec", from, "--", "plexus-probe", "connect", target, "--protocol", protocol, "--count", $"{count}", "--timeout", "2s");
        var json = JsonNode.Parse(run.Stdout.Trim()) ?? throw new InvalidOperationException(run.ToString());
        var replies = json["replies"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!);
        return new Tally((int)json["succeeded"]!, replies, $"{from} → {target}: {run}");
    }

    /// <summary>A TCP socket in the pod's namespace connected through <paramref name="vip"/>:80 to <paramref name="backend"/> (tries new source ports until Maglev picks it).</summary>
    private static async Task<Socket> ConnectToAsync(LabUnderTest lab, string ns, string pod, string vip, string backend)
    {
        using var netns = NetNs.Open(LabNames.Pod(lab.Name, "c1", ns, pod));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var socket = NetNs.Run(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(vip), 80), deadline.Token);
                if (await ReadLineAsync(socket, deadline.Token) == backend)
                {
                    return socket;
                }
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            socket.Dispose();
        }

        throw new InvalidOperationException($"64 connections from {ns}/{pod} to {vip}:80 never reached {backend}");
    }

    private static async Task<string> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 1 && one[0] != (byte)'\n')
        {
            line.Add(one[0]);
        }

        return System.Text.Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
    }

    private static async Task DeletePodAsync(LabUnderTest lab, string node, string ns, string pod)
    {
        using var agent = new Plexus.Lab.Agents.AgentClient(lab.Paths.AgentSocket("c1", node));
        Assert.Equal(200, await agent.DeleteEndpointAsync(ns, pod));
    }

    private static void RouteThroughNode(LabUnderTest lab, string address, string node)
    {
        using var fabric = NetNs.Open(LabNames.Fabric(lab.Name));
        NetNs.Run(fabric, () =>
        {
            using var rtnl = new RtNetlink();
            rtnl.ReplaceRoute(new RouteSpec { Destination = new IPNetwork(IPAddress.Parse(address), 32), Gateway = IPAddress.Parse(node), OutputLink = "br0" });
            return 0;
        });
    }

    private static ulong Dropped(LabUnderTest lab, string node, DropReason reason)
    {
        using var map = BpfMap.OpenPinned(Path.Combine(lab.Paths.PinDirectory("c1", node), MapNames.Metrics));
        ulong total = 0;
        foreach (var direction in new byte[] { 1, 2 })
        {
            var values = map.LookupPerCpu<MetricsKey, MetricsValue>(new MetricsKey { Reason = (byte)reason, Direction = direction });
            total += values?.Aggregate(0UL, (sum, v) => sum + v.Packets) ?? 0;
        }

        return total;
    }
}
