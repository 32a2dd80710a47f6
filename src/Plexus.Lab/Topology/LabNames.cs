using System.Net;
using Plexus.Model;

namespace Plexus.Lab.Topology;

/// <summary>
/// Names and addresses of everything a lab creates (DESIGN §5 address plan). Every network namespace of lab L is
/// named <c>plx-L-…</c>, which is how <c>lab down</c> finds them all, even after a crash.
/// </summary>
public static class LabNames
{
    /// <summary>Prefix of every namespace of lab <paramref name="lab"/>.</summary>
    public static string Prefix(string lab) => $"plx-{lab}-";

    /// <summary>The fabric namespace (bridge and router between nodes and externals).</summary>
    public static string Fabric(string lab) => $"plx-{lab}-fabric";

    /// <summary>A node's namespace.</summary>
    public static string Node(string lab, string cluster, string node) => $"plx-{lab}-{cluster}-{node}";

    /// <summary>A pod's namespace.</summary>
    public static string Pod(string lab, string cluster, string ns, string pod) => $"plx-{lab}-{cluster}-pod-{ns}-{pod}";

    /// <summary>An external host's namespace.</summary>
    public static string External(string lab, string name) => $"plx-{lab}-ext-{name}";

    /// <summary>Every namespace a lab with topology <paramref name="lab"/> consists of: fabric, nodes, externals, pods.</summary>
    public static IReadOnlyList<string> All(LabTopology lab) =>
    [
        Fabric(lab.Name),
        .. lab.Clusters.SelectMany(c => c.Nodes.Select(n => Node(lab.Name, c.Name, n))),
        .. lab.Externals.Select(e => External(lab.Name, e.Name)),
        .. lab.Pods.Select(p => Pod(lab.Name, p.Cluster, p.Namespace, p.Name)),
    ];

    /// <summary>The datapath's node identity for pins (<c>/sys/fs/bpf/plexus/&lt;this&gt;</c>), unique per lab.</summary>
    public static string PinNode(string lab, string cluster, string node) => $"{lab}-{cluster}-{node}";

    /// <summary>The fabric's address on a cluster's node subnet (172.20.&lt;id&gt;.1).</summary>
    public static IPAddress FabricGateway(LabCluster cluster) => IPAddress.Parse($"172.20.{cluster.Id}.1");

    /// <summary>The underlay address of the n-th node (0-based) of a cluster: 172.20.&lt;id&gt;.&lt;11+n&gt;.</summary>
    public static IPAddress NodeAddress(LabCluster cluster, int index) => IPAddress.Parse($"172.20.{cluster.Id}.{11 + index}");

    /// <summary>The fabric's address on an external host's /24 (its .1).</summary>
    public static IPAddress ExternalGateway(IPAddress external)
    {
        var b = external.GetAddressBytes();
        return new IPAddress([b[0], b[1], b[2], 1]);
    }
}
