using System.Net;
using System.Text.Json.Nodes;
using Plexus.Datapath;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Integration.Tests.Support;
using Plexus.Interop.Bpf;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using Plexus.Interop.Posix;
using Plexus.Lab.Topology;

namespace Plexus.Integration.Tests;

/// <summary>The datapath's promises on a real lab: forwarding survives the agent, deletion cleans up everywhere.</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Privileged")]
public sealed class LabDatapathTests
{
    [Fact]
    public async Task An_iperf3_transfer_across_nodes_survives_kill_9_of_the_source_agent()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        var status = await lab.UpAsync();
        var serverIp = (string)LabUnderTest.Pod(status, "x", "b")["ip"]!;
        var sourceAgent = (int)Node(status, "n1")["agentPid"]!;
        using var n1 = NetNs.Open(LabNames.Node(lab.Name, "c1", "n1"));
        var before = OverlayPrograms(n1);
        Assert.Equal(2, before.Count); // from-overlay at ingress, to-overlay at egress, on tcx
        var server = await lab.PlexusAsync("lab", "exec", "x/b", "--", "iperf3", "-s", "-1", "-D");
        Assert.True(server.ExitCode == 0, server.ToString());

        var transfer = lab.PlexusAsync("lab", "exec", "x/a", "--", "iperf3", "-c", serverIp, "-t", "10", "-i", "1", "-J", "--connect-timeout", "3000");
        await Task.Delay(TimeSpan.FromSeconds(4)); // the scenario: the agent dies at second 4 of the transfer
        Assert.True(Signals.Send(sourceAgent, Signals.SigKill));
        var result = await transfer;

        Assert.True(result.ExitCode == 0, result.ToString());
        var intervals = JsonNode.Parse(result.Stdout)!["intervals"]!.AsArray();
        Assert.True(intervals.Count >= 10, $"{intervals.Count} intervals");
        Assert.All(intervals, i => Assert.True((double)i!["sum"]!["bits_per_second"]! > 0, $"an interval without traffic: {i}"));
        var restarted = await lab.StatusAsync();
        Assert.NotEqual(sourceAgent, (int)Node(restarted, "n1")["agentPid"]!);
        var probe = await lab.PlexusAsync("lab", "probe", "x/a", "x/b:8080/tcp", "--timeout", "2s");
        Assert.True(probe.ExitCode == 0, probe.ToString());

        // The restarted agent swapped its own programs in: one per hook, none of the dead agent's left running.
        await Wait.UntilAsync(() => Task.FromResult(OverlayPrograms(n1) is { Count: 2 } now && !now.Intersect(before).Any()),
            TimeSpan.FromSeconds(10), "the overlay hooks hold the restarted agent's programs only");
    }

    // The ids on the overlay device's tcx hooks, ingress then egress.
    private static List<uint> OverlayPrograms(System.Runtime.InteropServices.SafeHandle node) => NetNs.Run(node, () =>
    {
        using var rtnl = new RtNetlink();
        var hook = new TcxHook(rtnl.GetLink(DeviceNames.Overlay)!.Index);
        return hook.QueryProgramIds(TcAttachPoint.Ingress).Concat(hook.QueryProgramIds(TcAttachPoint.Egress)).ToList();
    });

    [Fact]
    public async Task Deleting_a_pod_removes_its_veth_route_and_ipcache_entries_on_every_node_within_2_s_and_then_its_identity()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        var status = await lab.UpAsync();
        var pod = LabUnderTest.Pod(status, "x", "a");
        var ip = IPAddress.Parse((string)pod["ip"]!);
        var identity = (uint)pod["identity"]!;
        using var n1 = NetNs.Open(LabNames.Node(lab.Name, "c1", "n1"));
        var veth = NetNs.Run(n1, () =>
        {
            using var rtnl = new RtNetlink();
            return rtnl.ListLinks().Single(l => DeviceNames.IsHostVeth(l.Name)).Name;
        });
        Assert.All(["n1", "n2"], node => Assert.True(InIpCache(lab, node, ip), $"{ip} in the ipcache of {node} before"));

        using (var agent = new Plexus.Lab.Agents.AgentClient(lab.Paths.AgentSocket("c1", "n1")))
        {
            Assert.Equal(200, await agent.DeleteEndpointAsync("x", "a"));
        }

        var gone = await Wait.UntilAsync(() => Task.FromResult(
            !InIpCache(lab, "n1", ip) && !InIpCache(lab, "n2", ip) && NetNs.Run(n1, () =>
            {
                using var rtnl = new RtNetlink();
                return rtnl.GetLink(veth) is null && !rtnl.ListRoutes(System.Net.Sockets.AddressFamily.InterNetwork).Any(r => r.Destination.BaseAddress.Equals(ip) && r.Destination.PrefixLength == 32);
            })), TimeSpan.FromSeconds(2), "veth, route and ipcache entries gone");
        Assert.True(gone < TimeSpan.FromSeconds(2));
        var endpoints = await lab.PlexusAsync("endpoints", "-o", "json");
        Assert.DoesNotContain("\"pod\": \"a\"", endpoints.Stdout, StringComparison.Ordinal);

        // Unused now, the identity is collected once the lab's grace period has passed.
        await Wait.UntilAsync(async () =>
        {
            var identities = await lab.PlexusAsync("identities", "-o", "json");
            return identities.ExitCode == 0 && !JsonNode.Parse(identities.Stdout)!.AsArray().Any(i => (uint)i!["id"]! == identity);
        }, TimeSpan.FromSeconds(30), $"identity {identity} collected");
    }

    [Fact]
    public async Task The_receiving_node_sees_the_senders_identity_from_the_vni_and_icmp_and_the_cli_views_work()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        var status = await lab.UpAsync();
        var a = LabUnderTest.Pod(status, "x", "a");
        var b = LabUnderTest.Pod(status, "x", "b");
        var ping = await lab.PlexusAsync("lab", "exec", "x/a", "--", "ping", "-c", "2", "-W", "2", (string)b["ip"]!);
        Assert.True(ping.ExitCode == 0, ping.ToString());

        // n2's agent reads its node's events: the echo request's flow there carries the identity the VNI brought.
        JsonNode? arrival = null;
        for (var tries = 0; arrival is null && tries < 20; tries++)
        {
            var observed = await lab.PlexusAsync("observe", "--node-name", "n2", "--protocol", "icmp", "--from-pod", "x/a", "--to-pod", "x/b", "--last", "1", "-o", "json");
            Assert.True(observed.ExitCode == 0, observed.ToString());
            arrival = observed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["flow"]).LastOrDefault(f => f is not null);
            if (arrival is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(arrival);
        Assert.Equal("FROM_OVERLAY", (string?)arrival["trace_observation_point"]);
        Assert.Equal((uint)a["identity"]!, (uint)arrival["source"]!["identity"]!);
        Assert.Equal((uint)b["identity"]!, (uint)arrival["destination"]!["identity"]!);
        Assert.Equal(8, (int)arrival["l4"]!["ICMPv4"]!["type"]!);
        var external = await lab.PlexusAsync("lab", "exec", "x/b", "--", "ping", "-c", "1", "-W", "2", "198.51.100.10");
        Assert.True(external.ExitCode == 0, external.ToString());

        foreach (var node in new[] { "node/c1/n1", "node/c1/n2" })
        {
            // The node's own stack reaches a pod on the same node (its /32 route) and across nodes (routed into the overlay).
            var fromNode = await lab.PlexusAsync("lab", "exec", node, "--", "plexus-probe", "connect", $"{(string)a["ip"]!}:80", "--timeout", "2s");
            Assert.True(fromNode.ExitCode == 0, $"{node}: {fromNode}");
            Assert.Equal("x/a", fromNode.Stdout.Trim());
        }

        var nodes = await lab.PlexusAsync("status");
        Assert.True(nodes.ExitCode == 0, nodes.ToString());
        Assert.Matches(@"(?m)^c1\s+n1\s+ok .*connected\s+10\.1\.\d+\.0/24\s+4/4 attached \(tcx 3, tc 1\)\s+1\s", nodes.Stdout);
        var endpoints = JsonNode.Parse((await lab.PlexusAsync("endpoints", "-o", "json")).Stdout)!.AsArray();
        Assert.Equal(["a", "b"], endpoints.Select(e => (string)e!["pod"]!).Order(StringComparer.Ordinal));
        var identities = JsonNode.Parse((await lab.PlexusAsync("identities", "-o", "json")).Stdout)!.AsArray();
        var ofA = Assert.Single(identities, i => (uint)i!["id"]! == (uint)a["identity"]!)!;
        Assert.Contains("k8s:pod=a", ofA["labels"]!.AsArray().Select(l => (string)l!));
        Assert.Equal(["n1"], ofA["nodes"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task The_demo_runs_end_to_end_and_leaves_nothing_behind()
    {
        await using var lab = LabUnderTest.FromRepository("demo.yaml");

        var demo = await lab.PlexusAsync("demo", "-f", lab.File);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("26/26 connected", demo.Stdout, StringComparison.Ordinal);
        Assert.Contains("-> payments/ledger:9000 (ID:", demo.Stdout, StringComparison.Ordinal);
        Assert.Contains("Policy denied DROPPED (TCP Flags: SYN) by ", demo.Stdout, StringComparison.Ordinal);
        Assert.Contains("NetworkPolicy/payments/default-deny-ingress", demo.Stdout, StringComparison.Ordinal);
        Assert.Contains("demo finished: every step behaved as expected", demo.Stdout, StringComparison.Ordinal);
        lab.AssertGone([]);
    }

    private static JsonObject Node(JsonObject status, string name) =>
        status["nodes"]!.AsArray().Select(n => n!.AsObject()).Single(n => (string?)n["name"] == name);

    private static bool InIpCache(LabUnderTest lab, string node, IPAddress ip)
    {
        using var map = BpfMap.OpenPinned(Path.Combine(lab.Paths.PinDirectory("c1", node), MapNames.IpCache));
        return map.TryLookup<IpCacheKey, IpCacheInfo>(NodeDatapath.IpCacheKeyOf(new IPNetwork(ip, 32)), out _);
    }
}
