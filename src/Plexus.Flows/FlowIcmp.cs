using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's ICMPv4 record.</summary>
/// <param name="Type">ICMP type.</param>
/// <param name="Code">ICMP code.</param>
public sealed record FlowIcmp(
    [property: JsonPropertyName("type")] int Type,
    [property: JsonPropertyName("code")] int Code);
