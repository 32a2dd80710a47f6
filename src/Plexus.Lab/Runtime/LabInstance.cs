using Plexus.Lab.Topology;
using Plexus.Model;

namespace Plexus.Lab.Runtime;

/// <summary>A lab topology bound to this machine: its namespaces, nodes, state files and store endpoints.</summary>
public sealed class LabInstance
{
    /// <summary>The etcd client port every cluster's member listens on, at its fabric gateway address.</summary>
    public const int EtcdClientPort = 2379;

    /// <summary>The etcd peer port.</summary>
    public const int EtcdPeerPort = 2380;

    /// <summary>Binds <paramref name="topology"/> to its namespaces and state directory.</summary>
    public LabInstance(LabTopology topology)
    {
        Topology = topology;
        Paths = new LabPaths(topology.Name);
        Nodes = [.. topology.Clusters.SelectMany(c => c.Nodes.Select((n, i) => new LabNode(
            c, n, i, LabNames.Node(Name, c.Name, n), LabNames.NodeAddress(c, i), Paths.AgentSocket(c.Name, n), Paths.PinDirectory(c.Name, n))))];
    }

    /// <summary>The lab's name.</summary>
    public string Name => Topology.Name;

    /// <summary>The topology.</summary>
    public LabTopology Topology { get; }

    /// <summary>The lab's files.</summary>
    public LabPaths Paths { get; }

    /// <summary>Every node of every cluster, in topology order.</summary>
    public IReadOnlyList<LabNode> Nodes { get; }

    /// <summary>The fabric namespace, where the etcd members listen.</summary>
    public string FabricNetns => LabNames.Fabric(Name);

    /// <summary>Reads the topology copy of the running lab <paramref name="name"/>; throws <see cref="LabException"/> when it has none.</summary>
    public static LabInstance Load(string name)
    {
        var paths = new LabPaths(name);
        string text;
        try
        {
            text = File.ReadAllText(paths.Topology);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabException($"lab {name} has no state ({paths.Topology}: {e.Message}); start it with 'plexus lab up' or clean up with 'plexus lab down {name}'", e);
        }

        var parsed = LabLoader.Parse(text, paths.Topology);
        return parsed.Ok
            ? new LabInstance(parsed.Lab!)
            : throw new LabException($"{paths.Topology} is not a valid lab any more: {parsed.Errors[0]}");
    }

    /// <summary>Like <see cref="Load"/>, but null when the lab has no readable state.</summary>
    public static LabInstance? TryLoad(string name)
    {
        try
        {
            return Load(name);
        }
        catch (LabException)
        {
            return null;
        }
    }

    /// <summary>The store URL of <paramref name="cluster"/>, as seen from the fabric and node namespaces.</summary>
    public string StoreUrl(LabCluster cluster) => $"etcd://{LabNames.FabricGateway(cluster)}:{EtcdClientPort}";

    /// <summary>The cluster named <paramref name="name"/>.</summary>
    public LabCluster Cluster(string name) => Topology.Clusters.First(c => c.Name == name);

    /// <summary>The node a pod runs on.</summary>
    public LabNode NodeOf(LabPod pod) => Nodes.First(n => n.Cluster.Name == pod.Cluster && n.Name == pod.Node);

    /// <summary>A pod's namespace name.</summary>
    public string Netns(LabPod pod) => LabNames.Pod(Name, pod.Cluster, pod.Namespace, pod.Name);

    /// <summary>An external host's namespace name.</summary>
    public string Netns(LabExternal external) => LabNames.External(Name, external.Name);

    /// <summary>The labels of a pod's Kubernetes namespace (<c>kubernetes.io/metadata.name</c> included).</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels(LabPod pod) =>
        Topology.Namespaces.First(n => n.Name == pod.Namespace).Labels;
}
