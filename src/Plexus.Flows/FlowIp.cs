using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's <c>IP</c>: source and destination addresses and the IP version.</summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="IpVersion">IPv4 or IPv6.</param>
public sealed record FlowIp(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("destination")] string Destination,
    [property: JsonPropertyName("ipVersion")] string IpVersion);
