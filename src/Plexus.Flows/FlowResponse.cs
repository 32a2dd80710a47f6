using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>One line of a flow stream, as Hubble's <c>GetFlowsResponse</c>: a flow or a lost-events report, with the node and time.</summary>
public sealed record FlowResponse
{
    /// <summary>The flow, or null for a lost-events line.</summary>
    [JsonPropertyName("flow")]
    public Flow? Flow { get; init; }

    /// <summary>Lost events, or null for a flow line.</summary>
    [JsonPropertyName("lost_events")]
    public FlowLostEvents? LostEvents { get; init; }

    /// <summary>The node that sent it.</summary>
    [JsonPropertyName("node_name")]
    public string? NodeName { get; init; }

    /// <summary>The flow's time, or when the loss was reported.</summary>
    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; init; }
}
