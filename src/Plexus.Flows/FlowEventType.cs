using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's <c>CiliumEventType</c>: 1 drop (sub type: reason), 4 trace (sub type: observation point), 5 policy verdict.</summary>
/// <param name="Type">Monitor message type.</param>
/// <param name="SubType">Drop reason or trace point.</param>
public sealed record FlowEventType(
    [property: JsonPropertyName("type")] int Type,
    [property: JsonPropertyName("sub_type")] int SubType);
