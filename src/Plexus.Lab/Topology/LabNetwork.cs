using System.Net;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using Plexus.Model;

namespace Plexus.Lab.Topology;

/// <summary>
/// Builds a lab's network namespaces and wiring, and tears them down. The fabric namespace holds a bridge
/// <c>br0</c> that routes between the clusters' node subnets (172.20.&lt;id&gt;.0/24) and the externals' subnets;
/// nodes and externals hang off it with a veth whose inner end is <c>eth0</c>; pods get an empty namespace for the
/// agent to plumb. Nothing is connected to the machine's own network.
/// </summary>
public static class LabNetwork
{
    /// <summary>Creates every namespace and link of <paramref name="lab"/>; idempotent for namespaces that already exist.</summary>
    public static void Create(LabTopology lab, IProgress<string>? progress = null)
    {
        var fabric = LabNames.Fabric(lab.Name);
        EnsureNamespace(fabric);
        using var fabricNs = NetNs.Open(fabric);
        NetNs.Run(fabricNs, () =>
        {
            using var rtnl = new RtNetlink();
            rtnl.SetUp("lo");
            if (rtnl.GetLink("br0") is null)
            {
                rtnl.CreateBridge("br0");
            }

            rtnl.SetUp("br0");
            Sysctl.Write("net.ipv4.ip_forward", "1");
            // The fabric stands in for a switch: with br_netfilter loaded (Docker loads it), the kernel would run every
            // bridged frame through this namespace's iptables and conntrack as well.
            foreach (var family in (string[])["iptables", "ip6tables", "arptables"])
            {
                if (File.Exists(Sysctl.PathOf($"net.bridge.bridge-nf-call-{family}")))
                {
                    Sysctl.Write($"net.bridge.bridge-nf-call-{family}", "0");
                }
            }
            foreach (var cluster in lab.Clusters)
            {
                EnsureAddress(rtnl, "br0", LabNames.FabricGateway(cluster), 24);
            }

            foreach (var gateway in lab.Externals.Select(e => LabNames.ExternalGateway(e.Address)).Distinct())
            {
                EnsureAddress(rtnl, "br0", gateway, 24);
            }
        });

        foreach (var cluster in lab.Clusters)
        {
            for (var i = 0; i < cluster.Nodes.Count; i++)
            {
                var node = cluster.Nodes[i];
                progress?.Report($"node {cluster.Name}/{node}");
                Attach(fabricNs, LabNames.Node(lab.Name, cluster.Name, node), $"c{cluster.Id}n{i + 1}",
                    LabNames.NodeAddress(cluster, i), LabNames.FabricGateway(cluster));
            }
        }

        for (var j = 0; j < lab.Externals.Count; j++)
        {
            var external = lab.Externals[j];
            progress?.Report($"external {external.Name}");
            Attach(fabricNs, LabNames.External(lab.Name, external.Name), $"x{j + 1}", external.Address, LabNames.ExternalGateway(external.Address));
        }

        foreach (var pod in lab.Pods)
        {
            EnsureNamespace(LabNames.Pod(lab.Name, pod.Cluster, pod.Namespace, pod.Name));
        }
    }

    /// <summary>
    /// Removes every namespace of lab <paramref name="labName"/>: first every process inside them is killed (agents,
    /// etcd, probes), then the namespaces go, taking their devices along. Works from any state, also after a crash.
    /// Namespaces are found by prefix (<c>plx-&lt;lab&gt;-</c>), leaving out those of another lab whose name merely
    /// starts with <c>&lt;lab&gt;-</c>; <paramref name="topology"/>, when known, names the lab's own for sure.
    /// Returns the namespaces removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DestroyAsync(string labName, LabTopology? topology = null)
    {
        var own = topology is null ? [] : LabNames.All(topology).ToHashSet(StringComparer.Ordinal);
        var others = ExistingLabs()
            .Where(o => o != labName && o.StartsWith(labName + "-", StringComparison.Ordinal))
            .Select(LabNames.Prefix)
            .ToList();
        var names = NetNs.List()
            .Where(n => own.Contains(n) || (n.StartsWith(LabNames.Prefix(labName), StringComparison.Ordinal)
                && !others.Any(o => n.StartsWith(o, StringComparison.Ordinal))))
            .ToList();
        foreach (var name in names)
        {
            await NamespaceProcesses.KillAllAsync(NetNs.PathOf(name)).ConfigureAwait(false);
        }

        foreach (var name in names)
        {
            NetNs.Delete(name);
        }

        return names;
    }

    /// <summary>Names of the labs that have namespaces on this machine.</summary>
    public static IReadOnlyList<string> ExistingLabs() =>
        NetNs.List()
            .Where(n => n.StartsWith("plx-", StringComparison.Ordinal) && n.EndsWith("-fabric", StringComparison.Ordinal))
            .Select(n => n["plx-".Length..^"-fabric".Length])
            .ToList();

    private static void EnsureNamespace(string name)
    {
        if (!NetNs.Exists(name))
        {
            NetNs.Create(name);
        }
    }

    /// <summary>Creates namespace <paramref name="name"/> wired to the fabric bridge through <paramref name="fabricSide"/> ↔ eth0.</summary>
    private static void Attach(NetNsHandle fabricNs, string name, string fabricSide, IPAddress address, IPAddress gateway)
    {
        EnsureNamespace(name);
        using var ns = NetNs.Open(name);
        NetNs.Run(fabricNs, () =>
        {
            using var rtnl = new RtNetlink();
            if (rtnl.GetLink(fabricSide) is null)
            {
                rtnl.CreateVeth(fabricSide, "eth0", ns);
            }

            rtnl.SetMaster(fabricSide, "br0");
            rtnl.SetUp(fabricSide);
        });
        NetNs.Run(ns, () =>
        {
            using var rtnl = new RtNetlink();
            rtnl.SetUp("lo");
            rtnl.SetUp("eth0");
            Sysctl.Write("net.ipv6.conf.all.disable_ipv6", "1");
            EnsureAddress(rtnl, "eth0", address, 24);
            rtnl.ReplaceRoute(new RouteSpec { Destination = IPNetwork.Parse("0.0.0.0/0"), Gateway = gateway, OutputLink = "eth0" });
        });
    }

    private static void EnsureAddress(RtNetlink rtnl, string link, IPAddress address, int prefixLength)
    {
        if (!rtnl.ListAddresses(link).Any(a => a.Address.Equals(address)))
        {
            rtnl.AddAddress(link, address, prefixLength);
        }
    }
}
