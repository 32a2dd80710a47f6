using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's TCP/UDP record: ports, and for TCP the flags.</summary>
/// <param name="SourcePort">Source port.</param>
/// <param name="DestinationPort">Destination port.</param>
/// <param name="Flags">TCP flags that were set (null for UDP).</param>
public sealed record FlowPorts(
    [property: JsonPropertyName("source_port")] int SourcePort,
    [property: JsonPropertyName("destination_port")] int DestinationPort,
    [property: JsonPropertyName("flags")] FlowTcpFlags? Flags = null);
