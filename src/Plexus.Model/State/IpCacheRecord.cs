using System.Text.Json;

namespace Plexus.Model.State;

/// <summary>Where an address lives and which identity it has (key <see cref="StoreKeys.IpCache"/>, written by the owning node with its lease).</summary>
public sealed record IpCacheRecord
{
    /// <summary>The endpoint's address, e.g. <c>10.1.3.2</c>.</summary>
    public required string Ip { get; init; }

    /// <summary>The cluster the address belongs to.</summary>
    public required string Cluster { get; init; }

    /// <summary>The security identity of the address.</summary>
    public uint Identity { get; init; }

    /// <summary>Underlay address of the node hosting the endpoint (the VXLAN tunnel endpoint).</summary>
    public required string NodeIp { get; init; }

    /// <summary>Name of the node hosting the endpoint.</summary>
    public required string Node { get; init; }

    /// <summary>The endpoint id on that node (0 when the address is not an endpoint).</summary>
    public int EndpointId { get; init; }

    /// <summary>The pod's namespace, when the address belongs to a pod.</summary>
    public string? Namespace { get; init; }

    /// <summary>The pod's name, when the address belongs to a pod.</summary>
    public string? Pod { get; init; }

    /// <summary>Serializes to the stored JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StateJsonContext.Default.IpCacheRecord);

    /// <summary>Parses stored JSON; null when it is not an ipcache record.</summary>
    public static IpCacheRecord? FromJson(string json) => StateJson.Read(json, StateJsonContext.Default.IpCacheRecord);
}
