namespace Plexus.Model;

/// <summary>A Kubernetes namespace of the lab with its labels (<c>kubernetes.io/metadata.name</c> included).</summary>
public sealed record LabNamespace(string Name, IReadOnlyDictionary<string, string> Labels);
