using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's <c>l4</c>: exactly one of TCP, UDP or ICMPv4.</summary>
public sealed record FlowLayer4
{
    /// <summary>TCP ports and flags.</summary>
    [JsonPropertyName("TCP")]
    public FlowPorts? Tcp { get; init; }

    /// <summary>UDP ports.</summary>
    [JsonPropertyName("UDP")]
    public FlowPorts? Udp { get; init; }

    /// <summary>ICMPv4 type and code.</summary>
    [JsonPropertyName("ICMPv4")]
    public FlowIcmp? IcmpV4 { get; init; }

    /// <summary>The protocol's name as filters use it: tcp, udp, icmp; null when none.</summary>
    [JsonIgnore]
    public string? Protocol => Tcp is not null ? "tcp" : Udp is not null ? "udp" : IcmpV4 is not null ? "icmp" : null;

    /// <summary>The ports (TCP or UDP), or null.</summary>
    [JsonIgnore]
    public FlowPorts? Ports => Tcp ?? Udp;
}
