namespace Plexus.Model;

/// <summary>A pod of the lab: where it runs, its labels, and the ports <c>plexus-probe serve</c> answers on.</summary>
public sealed record LabPod(
    string Name, string Namespace, string Cluster, string Node, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<LabPort> Serve)
{
    /// <summary><c>namespace/name</c>.</summary>
    public string FullName => $"{Namespace}/{Name}";
}
