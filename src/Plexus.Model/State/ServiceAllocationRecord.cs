using System.Text.Json;

namespace Plexus.Model.State;

/// <summary>A service address or node port held by one Service (keys <see cref="StoreKeys.ServiceIp"/>, <see cref="StoreKeys.ServiceNodePort"/>; CAS-created, no lease).</summary>
public sealed record ServiceAllocationRecord
{
    /// <summary>The kind of value for a cluster IP.</summary>
    public const string ClusterIPKind = "ClusterIP";

    /// <summary>The kind of value for a load-balancer IP.</summary>
    public const string LoadBalancerKind = "LoadBalancer";

    /// <summary>The kind of value for a node port.</summary>
    public const string NodePortKind = "NodePort";

    /// <summary>The Service holding the value: <c>namespace/name</c>; allocation is idempotent per owner.</summary>
    public required string Owner { get; init; }

    /// <summary><see cref="ClusterIPKind"/>, <see cref="LoadBalancerKind"/> or <see cref="NodePortKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The value: an address (<c>10.96.0.10</c>) or a node port with protocol (<c>30080/TCP</c>).</summary>
    public required string Value { get; init; }

    /// <summary>For a node port: the service port it serves (<c>80/TCP</c>); null for addresses.</summary>
    public string? ServicePort { get; init; }

    /// <summary>When the value was allocated.</summary>
    public DateTimeOffset AllocatedAt { get; init; }

    /// <summary>Serializes to the stored JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StateJsonContext.Default.ServiceAllocationRecord);

    /// <summary>Parses stored JSON; null when it is not a service allocation record.</summary>
    public static ServiceAllocationRecord? FromJson(string json) => StateJson.Read(json, StateJsonContext.Default.ServiceAllocationRecord);
}
