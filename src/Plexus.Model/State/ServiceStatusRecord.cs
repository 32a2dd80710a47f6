using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plexus.Model.State;

/// <summary>
/// A Service as resolved for one cluster (key <see cref="StoreKeys.Service"/>, no lease): its allocated addresses and
/// node ports and, per port, the ready backends. Every agent computes the same content from the same store state, so
/// the record holds no timestamps and is rewritten only when the content changes.
/// </summary>
public sealed record ServiceStatusRecord
{
    /// <summary>Cluster name.</summary>
    public required string Cluster { get; init; }

    /// <summary>The Service's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The Service's name.</summary>
    public required string Name { get; init; }

    /// <summary><c>ClusterIP</c>, <c>NodePort</c> or <c>LoadBalancer</c>.</summary>
    public required string Type { get; init; }

    /// <summary>A hash of the Service's spec the allocations were made for (agents that see the same spec reuse them).</summary>
    public required string SpecHash { get; init; }

    /// <summary>The cluster IP; <c>None</c> for a headless Service; null when allocation failed.</summary>
    public string? ClusterIP { get; init; }

    /// <summary>The load-balancer addresses (LoadBalancer Services).</summary>
    public IReadOnlyList<string> LoadBalancerIPs { get; init; } = [];

    /// <summary><c>sessionAffinity: ClientIP</c> timeout in seconds; null without affinity.</summary>
    public int? AffinityTimeoutSeconds { get; init; }

    /// <summary>The ports with node ports and backends.</summary>
    public IReadOnlyList<ServiceStatusPort> Ports { get; init; } = [];

    /// <summary>Why the Service has no addresses (conflicts, exhausted ranges); empty when it is served.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>What is not served although the Service is (e.g. no load-balancer pool: EXTERNAL-IP pending).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary><c>namespace/name</c>.</summary>
    [JsonIgnore]
    public string Owner => $"{Namespace}/{Name}";

    /// <summary>True for <c>clusterIP: None</c>.</summary>
    [JsonIgnore]
    public bool IsHeadless => ClusterIP == "None";

    /// <summary>Serializes to the stored JSON (deterministic: equal records give equal text).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StateJsonContext.Default.ServiceStatusRecord);

    /// <summary>Parses stored JSON; null when it is not a service status record.</summary>
    public static ServiceStatusRecord? FromJson(string json) => StateJson.Read(json, StateJsonContext.Default.ServiceStatusRecord);
}
