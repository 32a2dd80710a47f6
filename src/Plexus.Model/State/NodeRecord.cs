using System.Text.Json;

namespace Plexus.Model.State;

/// <summary>A node as its agent announces it in the store (key <see cref="StoreKeys.Node"/>, attached to the agent's lease).</summary>
public sealed record NodeRecord
{
    /// <summary>Node name.</summary>
    public required string Name { get; init; }

    /// <summary>Cluster name.</summary>
    public required string Cluster { get; init; }

    /// <summary>Cluster id (0 = not meshed).</summary>
    public int ClusterId { get; init; }

    /// <summary>Underlay addresses of the node.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>The node's pod CIDR block, once IPAM has allocated one.</summary>
    public string? PodCidr { get; init; }

    /// <summary>Agent version that wrote the record.</summary>
    public required string AgentVersion { get; init; }

    /// <summary>Agent process id (useful inside labs).</summary>
    public int AgentPid { get; init; }

    /// <summary>Unix socket of the agent's REST API on that node.</summary>
    public required string ApiSocket { get; init; }

    /// <summary>When the agent process started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When this record was (re)written.</summary>
    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Serializes to the stored JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StateJsonContext.Default.NodeRecord);

    /// <summary>Parses stored JSON; null when it is not a node record.</summary>
    public static NodeRecord? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, StateJsonContext.Default.NodeRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
