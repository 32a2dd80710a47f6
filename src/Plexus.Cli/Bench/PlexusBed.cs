using System.Net;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using Plexus.Lab.Runtime;
using Plexus.Model;

namespace Plexus.Cli.Bench;

/// <summary>The Plexus side: a lab of two nodes with one pod each, plumbed by the agents (eBPF, VXLAN between nodes).</summary>
public static class PlexusBed
{
    /// <summary>
    /// The agents' Maglev table size: the smallest allowed. The services scenario installs 10,000 services with one
    /// backend each, and every service holds an M-entry table in kernel memory (4 × M bytes: 1 KiB here, 64 KiB at the
    /// default 16,381, i.e. 655 MB per node).
    /// </summary>
    public const int MaglevTableSize = 251;

    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(180);

    /// <summary>The lab file: cluster c1 of nodes n1 and n2 (Maglev M = <see cref="MaglevTableSize"/>), pod client on n1 and pod server on n2.</summary>
    public static string Topology(string name) => $$$"""
        apiVersion: plexus.io/v1
        kind: Lab
        metadata: {name: {{{name}}}}
        spec:
          clusters:
          - {name: c1, id: 1, podCIDR: 10.1.0.0/16, nodes: [n1, n2], maglevTableSize: {{{MaglevTableSize}}}}
          namespaces:
          - {name: bench}
          pods:
          - {name: client, namespace: bench, node: n1, labels: {role: client}}
          - {name: server, namespace: bench, node: n2, labels: {role: server}}
        """;

    /// <summary>Brings lab <paramref name="name"/> up and returns its client and server pods.</summary>
    public static async Task<BenchBed> UpAsync(string name, Action<string> progress, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plexus-{name}.yaml");
        await File.WriteAllTextAsync(file, Topology(name), cancellationToken).ConfigureAwait(false);
        try
        {
            var parsed = LabLoader.Parse(Topology(name), file);
            if (!parsed.Ok)
            {
                throw new BenchException($"bench lab topology is invalid: {string.Join("; ", parsed.Errors)}");
            }

            var lab = await new LabStartup(progress).UpAsync(parsed.Lab!, file, UpTimeout, cancellationToken).ConfigureAwait(false);
            var status = await LabStatus.CollectAsync(lab, cancellationToken).ConfigureAwait(false);
            var client = status.Pods.Single(p => p.Name == "client");
            var server = status.Pods.Single(p => p.Name == "server");
            if (server.Ip is null)
            {
                throw new BenchException($"lab {name}: pod bench/server has no address");
            }

            var serverNode = lab.Nodes.Single(n => n.Name == server.Node);
            return new BenchBed("plexus", client.Netns, server.Netns, IPAddress.Parse(server.Ip), PodMtu(client.Netns), new PlexusPods(lab, serverNode), new PlexusServices(lab), lab);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The MTU of eth0 in pod namespace <paramref name="netns"/>.</summary>
    public static int PodMtu(string netns)
    {
        using var ns = NetNs.Open(netns);
        return NetNs.Run(ns, () =>
        {
            using var rtnl = new RtNetlink();
            return rtnl.GetLink("eth0")?.Mtu ?? 0;
        });
    }
}
