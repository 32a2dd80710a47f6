namespace Plexus.Model;

/// <summary>A cluster of a lab: its id (1–255), pod CIDR (one /24 per node is carved from it) and node names.</summary>
public sealed record LabCluster(string Name, int Id, Cidr PodCidr, IReadOnlyList<string> Nodes);
