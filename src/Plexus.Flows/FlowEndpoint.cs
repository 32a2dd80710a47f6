using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's <c>Endpoint</c>: a side of a flow with its identity and, for pods, where it lives.</summary>
public sealed record FlowEndpoint
{
    /// <summary>Endpoint id on its node (0 when not a local endpoint of the observing node or not a pod).</summary>
    [JsonPropertyName("ID")]
    public int Id { get; init; }

    /// <summary>Security identity.</summary>
    [JsonPropertyName("identity")]
    public uint Identity { get; init; }

    /// <summary>Cluster of a pod.</summary>
    [JsonPropertyName("cluster_name")]
    public string? ClusterName { get; init; }

    /// <summary>Namespace of a pod.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>The identity's labels (<c>k8s:app=web</c>, <c>reserved:world</c>).</summary>
    [JsonPropertyName("labels")]
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Pod name.</summary>
    [JsonPropertyName("pod_name")]
    public string? PodName { get; init; }

    /// <summary><c>namespace/pod</c>, or null when not a pod.</summary>
    [JsonIgnore]
    public string? PodRef => PodName is null ? null : $"{Namespace}/{PodName}";
}
