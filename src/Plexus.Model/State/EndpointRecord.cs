using System.Text.Json;

namespace Plexus.Model.State;

/// <summary>An endpoint (pod) on a node (key <see cref="StoreKeys.Endpoint"/>, written by that node with its lease).</summary>
public sealed record EndpointRecord
{
    /// <summary>Endpoint id, unique on its node.</summary>
    public required int Id { get; init; }

    /// <summary>Cluster name.</summary>
    public required string Cluster { get; init; }

    /// <summary>Node name.</summary>
    public required string Node { get; init; }

    /// <summary>The pod's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The pod's name.</summary>
    public required string Pod { get; init; }

    /// <summary>The pod's address.</summary>
    public string? Ip { get; init; }

    /// <summary>The security identity (0 until allocated).</summary>
    public uint Identity { get; init; }

    /// <summary>The identity labels, sorted <c>source:key=value</c> strings (<see cref="IdentityLabels"/>).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The ports the pod declares (number, protocol, name), for named target ports of Services.</summary>
    public IReadOnlyList<EndpointPortRecord> Ports { get; init; } = [];

    /// <summary>Lifecycle state.</summary>
    public EndpointState State { get; init; }

    /// <summary>When this record was (re)written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Serializes to the stored JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StateJsonContext.Default.EndpointRecord);

    /// <summary>Parses stored JSON; null when it is not an endpoint record.</summary>
    public static EndpointRecord? FromJson(string json) => StateJson.Read(json, StateJsonContext.Default.EndpointRecord);
}
