using System.Globalization;
using Plexus.Lab.Processes;
using Plexus.Lab.Topology;
using Plexus.Model;

namespace Plexus.Lab.Runtime;

/// <summary>The processes a lab runs (DESIGN §5): one etcd per cluster, one agent per node, a probe server per serving pod and external.</summary>
public static class LabServices
{
    /// <summary>Every service of <paramref name="lab"/>: etcd members first, then agents, then probe servers.</summary>
    public static IReadOnlyList<LabService> Plan(LabInstance lab)
    {
        var agent = Plexus("plexus-agent");
        var probe = Plexus("plexus-probe");
        var etcd = Binaries.FindOnPath("etcd") ?? throw new LabException("etcd is not installed (Debian package etcd-server)");
        var services = new List<LabService>();
        foreach (var cluster in lab.Topology.Clusters)
        {
            var gateway = LabNames.FabricGateway(cluster);
            services.Add(new LabService($"etcd-{cluster.Name}", LabServiceKind.Etcd, $"etcd {cluster.Name}", lab.FabricNetns,
                [etcd, .. EtcdCommand.Arguments(cluster.Name, Path.Combine(lab.Paths.Etcd(cluster.Name), "data"),
                    $"http://{gateway}:{LabInstance.EtcdClientPort}", $"http://{gateway}:{LabInstance.EtcdPeerPort}")]));
        }

        foreach (var node in lab.Nodes)
        {
            var c = node.Cluster;
            services.Add(new LabService($"agent-{c.Name}-{node.Name}", LabServiceKind.Agent, $"agent {node.FullName}", node.Netns,
            [
                agent,
                "--node", node.Name,
                "--cluster", c.Name,
                "--cluster-id", c.Id.ToString(CultureInfo.InvariantCulture),
                "--store", lab.StoreUrl(c),
                "--api-socket", node.Socket,
                "--state-dir", lab.Paths.AgentState(c.Name, node.Name),
                "--pod-cidr", c.PodCidr.ToString(),
                "--service-cidr", LabServiceCidr,
                "--lb-pool", c.LoadBalancerPool.ToString(),
                "--address", node.Address.ToString(),
                "--underlay", "eth0",
                "--bpf-pin-dir", node.PinDirectory,
                // Labs are for trying things: unused identities go within seconds, not after production's 10 minutes.
                "--identity-gc-interval", "2s",
                "--identity-gc-grace", "5s",
                .. c.MaglevTableSize is { } maglev ? ["--maglev-table-size", maglev.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
            ], node));
        }

        foreach (var pod in lab.Topology.Pods.Where(p => p.Serve.Count > 0))
        {
            services.Add(new LabService($"probe-{pod.Cluster}-{pod.Namespace}-{pod.Name}", LabServiceKind.Probe, $"probe {pod.FullName}",
                lab.Netns(pod), [probe, "serve", .. PortArguments(pod.Serve), "--name", pod.FullName], Ports: Names(pod.Serve)));
        }

        foreach (var external in lab.Topology.Externals.Where(e => e.Serve.Count > 0))
        {
            services.Add(new LabService($"probe-ext-{external.Name}", LabServiceKind.Probe, $"probe ext/{external.Name}",
                lab.Netns(external), [probe, "serve", .. PortArguments(external.Serve), "--name", $"ext/{external.Name}", "--echo-peer"],
                Ports: Names(external.Serve)));
        }

        return services;
    }

    /// <summary>The service CIDR of every lab cluster (DESIGN §5 address plan).</summary>
    public const string LabServiceCidr = "10.96.0.0/12";

    private static IEnumerable<string> PortArguments(IReadOnlyList<LabPort> ports)
    {
        foreach (var protocol in (string[])["tcp", "udp"])
        {
            var list = ports.Where(p => p.Protocol == protocol).Select(p => p.Port.ToString(CultureInfo.InvariantCulture)).ToList();
            if (list.Count > 0)
            {
                yield return $"--{protocol}";
                yield return string.Join(',', list);
            }
        }
    }

    private static List<string> Names(IReadOnlyList<LabPort> ports) =>
        [.. ports.Select(p => $"{p.Port.ToString(CultureInfo.InvariantCulture)}/{p.Protocol}")];

    private static string Plexus(string name) =>
        Binaries.FindPlexus(name) ?? throw new LabException($"bin/{name} not found: run ./build.sh build");
}
