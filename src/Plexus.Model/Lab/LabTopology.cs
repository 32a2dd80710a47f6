namespace Plexus.Model;

/// <summary>A lab: clusters of nodes, namespaces, pods and external hosts, all built as network namespaces on one machine (DESIGN §5).</summary>
public sealed record LabTopology(
    string Name,
    IReadOnlyList<LabCluster> Clusters,
    IReadOnlyList<LabNamespace> Namespaces,
    IReadOnlyList<LabPod> Pods,
    IReadOnlyList<LabExternal> Externals);
