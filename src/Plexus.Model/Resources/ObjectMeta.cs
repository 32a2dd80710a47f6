namespace Plexus.Model;

/// <summary>Object metadata: name, namespace, labels, annotations, and the server-owned fields tolerated on re-apply.</summary>
public sealed record ObjectMeta
{
    /// <summary>Object name.</summary>
    public required string Name { get; init; }

    /// <summary>Namespace; null for cluster-scoped kinds (defaulted to <c>default</c> for namespaced ones).</summary>
    public string? Namespace { get; init; }

    /// <summary>Labels (for a Namespace, including <c>kubernetes.io/metadata.name</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init => field = ValueMap.From(value); } = ValueMap.Empty;

    /// <summary>Annotations.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init => field = ValueMap.From(value); } = ValueMap.Empty;

    /// <summary>Server-assigned unique id, when present.</summary>
    public string? Uid { get; init; }

    /// <summary>Server-assigned version (the store's revision), when present.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Server-assigned generation, when present.</summary>
    public long? Generation { get; init; }

    /// <summary>Creation time as written by the server (RFC 3339), when present.</summary>
    public string? CreationTimestamp { get; init; }
}
