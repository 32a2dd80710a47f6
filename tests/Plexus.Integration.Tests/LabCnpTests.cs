using System.Diagnostics;
using System.Text.Json.Nodes;
using Plexus.Datapath;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Integration.Tests.Support;
using Plexus.Interop.Bpf;
using Plexus.Model.State;

namespace Plexus.Integration.Tests;

/// <summary>
/// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy on a real lab (issue #6): entities (world, cluster, host,
/// remote-node), CIDR sets with <c>except</c> and <c>fromCIDR</c>, deny precedence across policies (181) against
/// default deny (133) counted in the agents' metrics, deny-only policies, <c>matchExpressions</c>, cross-namespace
/// peers, UDP-only rules, deletion, clusterwide selection, and a node port backend's ingress policy seeing an external
/// client as <c>world</c>. One lab serves the whole class; every test removes what it applied, before and after.
/// Every step probes both what must connect and what must not.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Privileged")]
public sealed class LabCnpTests(LabCnpTests.CnpLab lab) : IClassFixture<LabCnpTests.CnpLab>, IAsyncLifetime
{
    private const string World1 = "198.51.100.10";
    private const string World2 = "198.51.100.20";
    private const int NodeServerPort = 9090;

    /// <inheritdoc/>
    public Task InitializeAsync() => lab.ResetAsync();

    /// <inheritdoc/>
    public Task DisposeAsync() => lab.ResetAsync();

    [Fact]
    public async Task ToEntities_world_reaches_only_external_hosts_and_cluster_only_pods()
    {
        await lab.ApplyAsync(EgressOfA("toEntities: [world]"));
        await lab.ExpectAsync(
            Connects("x/a", $"{World1}:80/tcp"),
            Refused("x/a", "x/b:8080/tcp"),
            Refused("x/a", "x/e:8080/tcp"));

        await lab.ApplyAsync(EgressOfA("toEntities: [cluster]"));
        await lab.ExpectAsync(
            Connects("x/a", "x/b:8080/tcp"),
            Connects("x/a", "x/e:8080/tcp"),
            Refused("x/a", $"{World1}:80/tcp"));
    }

    [Fact]
    public async Task Host_entity_is_the_node_itself_and_the_other_node_is_remote_node()
    {
        var (n1, n2) = (lab.NodeAddress("n1"), lab.NodeAddress("n2"));
        await lab.ApplyAsync(IngressOfB("fromEntities: [host]") + "---\n" + EgressOfA("toEntities: [host]"));
        await lab.ExpectAsync(
            Connects("node/c1/n2", "x/b:8080/tcp"),
            Refused("node/c1/n1", "x/b:8080/tcp"),
            Refused("x/e", "x/b:8080/tcp"),
            Connects("x/a", $"{n1}:{NodeServerPort}/tcp"),
            Refused("x/a", $"{n2}:{NodeServerPort}/tcp"),
            Refused("x/a", "x/e:8080/tcp"));

        await lab.ApplyAsync(IngressOfB("fromEntities: [host, remote-node]") + "---\n" + EgressOfA("toEntities: [host, remote-node]"));
        await lab.ExpectAsync(
            Connects("node/c1/n1", "x/b:8080/tcp"),
            Refused("x/e", "x/b:8080/tcp"),
            Connects("x/a", $"{n2}:{NodeServerPort}/tcp"),
            Refused("x/a", "x/e:8080/tcp"));
    }

    [Fact]
    public async Task ToCidrSet_except_carves_a_host_out_and_fromCidr_admits_only_its_prefix()
    {
        var a = lab.PodIp("x", "a");
        var file = await lab.ApplyAsync(
            EgressOfA("toCIDRSet: [{cidr: 198.51.100.0/24, except: [198.51.100.20/32]}]") + "---\n" + IngressOfB($"fromCIDR: [{a}/32]"));
        await lab.ExpectAsync(
            Connects("x/a", $"{World1}:80/tcp"),
            Refused("x/a", $"{World2}:80/tcp"),
            Refused("x/a", "x/e:8080/tcp"),
            Refused("x/e", "x/b:8080/tcp"),
            Refused("y/d", "x/b:8080/tcp"));

        // a's egress admits only the external prefix, so a reaches b only once its egress also names b's address.
        await lab.ApplyAsync(EgressOfA($"toCIDRSet: [{{cidr: 198.51.100.0/24, except: [198.51.100.20/32]}}, {{cidr: {lab.PodIp("x", "b")}/32}}]"));
        await lab.ExpectAsync(
            Connects("x/a", "x/b:8080/tcp"),
            Refused("x/a", $"{World2}:80/tcp"));

        // Deleted, the policies take their CIDR identities out of every node's ipcache.
        await lab.DeleteAsync(file);
        await lab.ExpectAsync(Connects("x/e", "x/b:8080/tcp"));
        Assert.Empty(lab.CidrIdentities("n1"));
        Assert.Empty(lab.CidrIdentities("n2"));
    }

    [Fact]
    public async Task Deny_rule_wins_over_an_allow_from_another_policy_with_181_and_a_missing_allow_drops_with_133()
    {
        await lab.ApplyAsync("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: b-allow-x, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: b}}
              ingress: [{fromEndpoints: [{}]}]
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: b-deny-a, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: b}}
              ingressDeny: [{fromEndpoints: [{matchLabels: {pod: a}}]}]
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: a-allow-all, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: a}}
              egress: [{toEntities: [all]}]
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: a-deny-e, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: a}}
              egressDeny: [{toEndpoints: [{matchLabels: {pod: e}}], toPorts: [{ports: [{port: "8080", protocol: TCP}]}]}]
            """);
        await lab.ExpectAsync(
            Connects("x/e", "x/b:8080/tcp"),
            Connects("x/a", $"{World1}:80/tcp"),
            Connects("y/c", "x/e:8080/tcp"));

        // Ingress at b's node (from-overlay): the explicit deny for a, the missing allow for d.
        await lab.ExpectDropAsync(Refused("x/a", "x/b:8080/tcp"), "n2", DropReason.PolicyDeny, DropReason.PolicyDenied, direction: 1);
        await lab.ExpectDropAsync(Refused("y/d", "x/b:8080/tcp"), "n2", DropReason.PolicyDenied, DropReason.PolicyDeny, direction: 1);
        // Egress at a's node (from-endpoint): the deny toward e beats a's allow-all.
        await lab.ExpectDropAsync(Refused("x/a", "x/e:8080/tcp"), "n1", DropReason.PolicyDeny, DropReason.PolicyDenied, direction: 2);
    }

    [Fact]
    public async Task A_deny_only_policy_makes_the_endpoint_default_deny_unless_enableDefaultDeny_says_otherwise()
    {
        const string DenyOnly = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: b-deny-a, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: b}}
              ingressDeny: [{fromEndpoints: [{matchLabels: {pod: a}}]}]
            """;
        await lab.ApplyAsync(DenyOnly);
        await lab.ExpectAsync(
            Refused("x/e", "x/b:8080/tcp"),
            Connects("x/b", "x/a:80/tcp")); // b's egress is not selected
        await lab.ExpectDropAsync(Refused("y/d", "x/b:8080/tcp"), "n2", DropReason.PolicyDenied, DropReason.PolicyDeny, direction: 1);
        await lab.ExpectDropAsync(Refused("x/a", "x/b:8080/tcp"), "n2", DropReason.PolicyDeny, DropReason.PolicyDenied, direction: 1);

        await lab.ApplyAsync(DenyOnly.Replace("  ingressDeny:", "  enableDefaultDeny: {ingress: false}\n  ingressDeny:", StringComparison.Ordinal));
        await lab.ExpectAsync(
            Refused("x/a", "x/b:8080/tcp"),
            Connects("x/e", "x/b:8080/tcp"),
            Connects("y/d", "x/b:8080/tcp"));
    }

    [Fact]
    public async Task MatchExpressions_select_endpoints_and_peers_with_In_NotIn_Exists_and_DoesNotExist()
    {
        // tier In [back] selects b and e; env DoesNotExist admits a (c and d are in another namespace).
        await lab.ApplyAsync("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: exprs, namespace: x}
            spec:
              endpointSelector: {matchExpressions: [{key: tier, operator: In, values: [back]}]}
              ingress: [{fromEndpoints: [{matchExpressions: [{key: env, operator: DoesNotExist}]}]}]
            """);
        await lab.ExpectAsync(
            Connects("x/a", "x/b:8080/tcp"),
            Connects("x/a", "x/e:8080/tcp"),
            Refused("x/e", "x/b:8080/tcp"),
            Refused("x/b", "x/e:8080/tcp"),
            Connects("x/b", "x/a:80/tcp"));

        // env NotIn [prod] selects a and e (a has no env); tier Exists in namespaces x or y admits a, b, e and c.
        await lab.ApplyAsync("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: exprs, namespace: x}
            spec:
              endpointSelector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}
              ingress:
              - fromEndpoints:
                - matchExpressions:
                  - {key: tier, operator: Exists}
                  - {key: k8s:io.kubernetes.pod.namespace, operator: In, values: [x, y]}
            """);
        await lab.ExpectAsync(
            Connects("y/c", "x/a:80/tcp"),
            Refused("y/d", "x/a:80/tcp"),
            Connects("x/b", "x/e:8080/tcp"),
            Refused("y/d", "x/e:8080/tcp"),
            Connects("y/d", "x/b:8080/tcp"));
    }

    [Fact]
    public async Task FromEndpoints_reach_another_namespace_only_through_the_namespace_label()
    {
        await lab.ApplyAsync(
            IngressOfB("fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: y, pod: d}}]") + "---\n" + """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: e-from-y, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: e}}
              ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: y}}]}]
            """);
        await lab.ExpectAsync(
            Connects("y/d", "x/b:8080/tcp"),
            Refused("y/c", "x/b:8080/tcp"),
            Refused("x/a", "x/b:8080/tcp"),
            Connects("y/c", "x/e:8080/tcp"),
            Connects("y/d", "x/e:8080/tcp"),
            Refused("x/a", "x/e:8080/tcp"));
    }

    [Fact]
    public async Task A_udp_only_rule_lets_udp_through_and_stops_tcp_to_the_same_port()
    {
        await lab.ApplyAsync(
            IngressOfB("fromEndpoints: [{matchLabels: {tier: back}}]\n    toPorts: [{ports: [{port: \"8080\", protocol: UDP}]}]") + "---\n" +
            EgressOfA("toEntities: [world]\n    toPorts: [{ports: [{port: \"80\", protocol: UDP}]}]"));
        await lab.ExpectAsync(
            Connects("x/e", "x/b:8080/udp"),
            Refused("x/e", "x/b:8080/tcp"),
            Connects("x/a", $"{World1}:80/udp"),
            Refused("x/a", $"{World1}:80/tcp"));
    }

    [Fact]
    public async Task Deleting_policies_restores_connectivity_within_a_second()
    {
        var file = await lab.ApplyAsync(IngressOfB("{}") + "---\n" + """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: no-world}
            spec:
              endpointSelector: {matchLabels: {pod: a}}
              egressDeny: [{toEntities: [world]}]
            """);
        await lab.ExpectAsync(
            Refused("x/a", "x/b:8080/tcp"),
            Refused("x/a", $"{World1}:80/tcp"));

        await lab.DeleteAsync(file);
        await lab.ExpectAsync(
            Connects("x/a", "x/b:8080/tcp"),
            Connects("x/a", $"{World1}:80/tcp"));
    }

    [Fact]
    public async Task A_clusterwide_policy_selects_endpoints_and_peers_in_every_namespace()
    {
        await lab.ApplyAsync("""
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: back-from-dev}
            spec:
              endpointSelector: {matchLabels: {tier: back}}
              ingress: [{fromEndpoints: [{matchLabels: {env: dev}}]}]
            """);
        await lab.ExpectAsync(
            Connects("y/d", "x/b:8080/tcp"),
            Connects("x/e", "y/c:8080/tcp"),
            Connects("y/d", "x/e:8080/tcp"),
            Refused("x/a", "x/b:8080/tcp"),
            Refused("x/a", "y/c:8080/tcp"),
            Connects("x/a", "y/d:8080/tcp"));
    }

    [Fact]
    public async Task A_node_port_backend_sees_an_external_client_as_world_through_either_node()
    {
        var nodePort = await lab.NodePortOfBAsync();
        var (n1, n2) = (lab.NodeAddress("n1"), lab.NodeAddress("n2"));
        // b runs on n2: through n2 from-network delivers it, through n1 it is SNATed into the tunnel.
        await lab.ExpectAsync(
            Connects("ext/world1", $"{n1}:{nodePort}/tcp"),
            Connects("ext/world1", $"{n2}:{nodePort}/tcp"));

        await lab.ApplyAsync(IngressOfB("fromEntities: [cluster]"));
        await lab.ExpectAsync(
            Connects("x/a", "x/b:8080/tcp"),
            Refused("ext/world1", $"{n1}:{nodePort}/tcp"));
        await lab.ExpectDropAsync(Refused("ext/world1", $"{n2}:{nodePort}/tcp"), "n2", DropReason.PolicyDenied, DropReason.PolicyDeny, direction: 1);

        await lab.ApplyAsync(IngressOfB("fromEntities: [world]"));
        await lab.ExpectAsync(
            Connects("ext/world1", $"{n1}:{nodePort}/tcp"),
            Connects("ext/world1", $"{n2}:{nodePort}/tcp"),
            Refused("x/a", "x/b:8080/tcp"));

        // The node that delivers locally knows the client's CIDR identity from its ipcache.
        await lab.ApplyAsync(IngressOfB($"fromCIDR: [{World1}/32]"));
        await lab.ExpectAsync(
            Connects("ext/world1", $"{n2}:{nodePort}/tcp"),
            Refused("ext/world2", $"{n2}:{nodePort}/tcp"));
    }

    private static Probe Connects(string from, string to) => new(from, to, true);

    private static Probe Refused(string from, string to) => new(from, to, false);

    /// <summary>A CNP named <c>b-in</c> on x/b with one ingress rule (its YAML after <c>- </c>).</summary>
    private static string IngressOfB(string rule) => $"""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {"{"}name: b-in, namespace: x{"}"}
        spec:
          endpointSelector: {"{"}matchLabels: {"{"}pod: b{"}"}{"}"}
          ingress:
          - {rule}

        """;

    /// <summary>A CNP named <c>a-out</c> on x/a with one egress rule (its YAML after <c>- </c>).</summary>
    private static string EgressOfA(string rule) => $"""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {"{"}name: a-out, namespace: x{"}"}
        spec:
          endpointSelector: {"{"}matchLabels: {"{"}pod: a{"}"}{"}"}
          egress:
          - {rule}

        """;

    /// <summary>One probe and what it must give.</summary>
    public sealed record Probe(string From, string To, bool Connected)
    {
        /// <inheritdoc/>
        public override string ToString() => $"{From} -> {To} ({(Connected ? "connects" : "refused")})";
    }

    /// <summary>
    /// The lab every test of the class shares: two nodes, pods in two namespaces on both, two external hosts, and a
    /// probe server on each node (for the host and remote-node entities). Tracks what tests apply so that
    /// <see cref="ResetAsync"/> can remove it.
    /// </summary>
    public sealed class CnpLab : IAsyncLifetime
    {
        /// <summary>How long the agents may take to enforce what was applied or deleted.</summary>
        public static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

        private const string Topology = """
            apiVersion: plexus.io/v1
            kind: Lab
            metadata: {name: NAME}
            spec:
              clusters:
              - {name: c1, id: 1, nodes: [n1, n2]}
              namespaces:
              - {name: x, labels: {team: blue}}
              - {name: y, labels: {team: red}}
              pods:
              - {name: a, namespace: x, node: n1, labels: {pod: a, tier: front}, serve: [80/tcp, 80/udp]}
              - {name: b, namespace: x, node: n2, labels: {pod: b, tier: back, env: prod}, serve: [8080/tcp, 8080/udp]}
              - {name: e, namespace: x, node: n1, labels: {pod: e, tier: back, env: dev}, serve: [8080/tcp]}
              - {name: c, namespace: y, node: n1, labels: {pod: c, tier: back}, serve: [8080/tcp]}
              - {name: d, namespace: y, node: n2, labels: {pod: d, env: dev}, serve: [8080/tcp]}
              externals:
              - {name: world1, address: 198.51.100.10, serve: [80/tcp, 80/udp]}
              - {name: world2, address: 198.51.100.20, serve: [80/tcp]}
            """;

        private readonly List<string> _applied = [];
        private readonly List<Process> _nodeServers = [];
        private JsonObject _status = [];
        private int? _nodePort;
        private int _files;
        private readonly Stopwatch _changed = Stopwatch.StartNew();

        /// <summary>The lab.</summary>
        public LabUnderTest Lab { get; } = new(Topology);

        /// <inheritdoc/>
        public async Task InitializeAsync()
        {
            _status = await Lab.UpAsync();
            foreach (var node in new[] { "n1", "n2" })
            {
                _nodeServers.Add(StartNodeServer(node));
            }

            foreach (var node in new[] { "n1", "n2" })
            {
                await Wait.UntilAsync(
                    async () => (await ProbeAsync(new Probe($"node/c1/{node}", $"{NodeAddress(node)}:{NodeServerPort}/tcp", true))).ExitCode == 0,
                    TimeSpan.FromSeconds(20), $"probe server on {node}");
            }
        }

        /// <inheritdoc/>
        public async Task DisposeAsync()
        {
            foreach (var server in _nodeServers)
            {
                try
                {
                    server.Kill(entireProcessTree: true);
                    await server.WaitForExitAsync();
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }

                server.Dispose();
            }

            foreach (var file in _applied)
            {
                File.Delete(file);
            }

            await Lab.DisposeAsync();
        }

        /// <summary>The underlay address of node <paramref name="node"/>.</summary>
        public string NodeAddress(string node) =>
            (string)_status["nodes"]!.AsArray().Single(n => (string?)n!["name"] == node)!["address"]!;

        /// <summary>The address of pod <paramref name="ns"/>/<paramref name="name"/>.</summary>
        public string PodIp(string ns, string name) => (string)LabUnderTest.Pod(_status, ns, name)["ip"]!;

        /// <summary>Writes <paramref name="manifests"/> to a file and applies it; returns the file.</summary>
        public async Task<string> ApplyAsync(string manifests)
        {
            var file = Path.Combine(Path.GetTempPath(), $"{Lab.Name}-cnp-{++_files}.yaml");
            await File.WriteAllTextAsync(file, manifests);
            _applied.Add(file);
            var applied = await Lab.PlexusAsync("apply", "-f", file);
            _changed.Restart();
            Assert.True(applied.ExitCode == 0, applied.ToString());
            return file;
        }

        /// <summary>Deletes what <paramref name="file"/> describes.</summary>
        public async Task DeleteAsync(string file)
        {
            var deleted = await Lab.PlexusAsync("delete", "-f", file);
            _changed.Restart();
            Assert.True(deleted.ExitCode == 0, deleted.ToString());
            _applied.Remove(file);
            File.Delete(file);
        }

        /// <summary>Deletes everything applied so far, so the next test starts from a lab without policies.</summary>
        public async Task ResetAsync()
        {
            if (_applied.Count == 0)
            {
                return;
            }

            var deleted = await Lab.PlexusAsync(["delete", .. _applied.SelectMany(f => new[] { "-f", f }), "--ignore-not-found"]);
            _changed.Restart();
            Assert.True(deleted.ExitCode == 0, deleted.ToString());
            foreach (var file in _applied)
            {
                File.Delete(file);
            }

            _applied.Clear();
        }

        /// <summary>Runs every probe at once and asserts each gave what it must, reporting all that did not.</summary>
        public async Task ExpectAsync(params Probe[] probes)
        {
            await WaitForPropagationAsync();
            var results = await Task.WhenAll(probes.Select(async p => (Probe: p, Result: await ProbeAsync(p))));
            var wrong = results.Where(r => (r.Result.ExitCode == 0) != r.Probe.Connected).ToList();
            Assert.True(wrong.Count == 0, string.Join("\n", wrong.Select(w => $"{w.Probe}: {w.Result}")));
        }

        /// <summary>
        /// Runs a probe that must be refused, alone, and asserts that node <paramref name="node"/> counted drops of
        /// <paramref name="reason"/> in <paramref name="direction"/> for it and none of <paramref name="not"/>.
        /// </summary>
        public async Task ExpectDropAsync(Probe probe, string node, DropReason reason, DropReason not, byte direction)
        {
            await WaitForPropagationAsync();
            var before = (Dropped(node, reason, direction), Dropped(node, not, direction));
            await ExpectAsync(probe);
            var after = (Dropped(node, reason, direction), Dropped(node, not, direction));
            Assert.True(after.Item1 > before.Item1, $"{probe}: no {reason} drop counted on {node} ({before} -> {after})");
            Assert.True(after.Item2 == before.Item2, $"{probe}: {not} drops counted on {node} ({before} -> {after})");
        }

        /// <summary>A NodePort Service for x/b (created once); returns its node port once both nodes serve it.</summary>
        public async Task<int> NodePortOfBAsync()
        {
            if (_nodePort is { } known)
            {
                return known;
            }

            var file = Path.Combine(Path.GetTempPath(), $"{Lab.Name}-svc.yaml");
            await File.WriteAllTextAsync(file, """
                apiVersion: v1
                kind: Service
                metadata: {name: b-np, namespace: x}
                spec:
                  type: NodePort
                  selector: {pod: b}
                  ports:
                  - {port: 8080, targetPort: 8080}
                """);
            try
            {
                var applied = await Lab.PlexusAsync("apply", "-f", file);
                Assert.True(applied.ExitCode == 0, applied.ToString());
            }
            finally
            {
                File.Delete(file);
            }

            var nodePort = 0;
            await Wait.UntilAsync(async () =>
            {
                var get = await Lab.PlexusAsync("get", "service", "b-np", "-n", "x", "-o", "json");
                nodePort = get.ExitCode == 0 ? (int?)JsonNode.Parse(get.Stdout)?["spec"]?["ports"]?[0]?["nodePort"] ?? 0 : 0;
                return nodePort != 0;
            }, TimeSpan.FromSeconds(10), "node port of x/b-np allocated");
            foreach (var node in new[] { "n1", "n2" })
            {
                using var agent = new Plexus.Lab.Agents.AgentClient(Lab.Paths.AgentSocket("c1", node));
                await Wait.UntilAsync(
                    async () => (await agent.ServicesAsync()).Any(f => (int?)f!["port"] == nodePort),
                    TimeSpan.FromSeconds(10), $"node port {nodePort} programmed on {node}");
            }

            _nodePort = nodePort;
            return nodePort;
        }

        /// <summary><c>plexus lab probe</c>: a probe that must connect gets time to, one that must not waits 1 s.</summary>
        private Task<Cli.Result> ProbeAsync(Probe probe) =>
            Lab.PlexusAsync("lab", "probe", probe.From, probe.To, "--timeout", probe.Connected ? "3s" : "1s");

        /// <summary>The node-local (CIDR) identities in the node's ipcache, as <c>prefix=identity</c>.</summary>
        public List<string> CidrIdentities(string node)
        {
            using var map = BpfMap.OpenPinned(Path.Combine(Lab.Paths.PinDirectory("c1", node), MapNames.IpCache));
            return [.. map.GetEntries<IpCacheKey, IpCacheInfo>()
                .Where(e => IdentityNumbers.IsLocalScope(e.Value.Identity))
                .Select(e => $"{e.Key.Ip.ToIPAddress(4)}/{e.Key.PrefixLength - 32}={e.Value.Identity}")];
        }

        /// <summary>Packets counted under (reason, direction) in the node's metrics map, summed over CPUs.</summary>
        private ulong Dropped(string node, DropReason reason, byte direction)
        {
            using var map = BpfMap.OpenPinned(Path.Combine(Lab.Paths.PinDirectory("c1", node), MapNames.Metrics));
            var values = map.LookupPerCpu<MetricsKey, MetricsValue>(new MetricsKey { Reason = (byte)reason, Direction = direction });
            return values?.Aggregate(0UL, (sum, v) => sum + v.Packets) ?? 0;
        }

        private Process StartNodeServer(string node)
        {
            var info = new ProcessStartInfo(Plexus.Lab.Processes.Binaries.FindPlexus("plexus")!)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "--lab", Lab.Name, "lab", "exec", $"node/c1/{node}", "--", "plexus-probe", "serve", "--tcp", $"{NodeServerPort}", "--name", $"node/{node}" })
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment.Remove("PLEXUS_STORE");
            info.Environment.Remove("PLEXUS_CONFIG");
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        /// <summary>Waits out the propagation time promised since the last apply or delete: probes see what the datapath enforces.</summary>
        private async Task WaitForPropagationAsync()
        {
            var left = Propagation - _changed.Elapsed;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left);
            }
        }
    }
}
