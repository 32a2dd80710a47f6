using System.Text.Json;

namespace Plexus.Model.State;

/// <summary>One pod address allocated by a node from its block (key <see cref="StoreKeys.IpamAddress"/>, CAS-created, no lease).</summary>
public sealed record IpamAddressRecord
{
    /// <summary>The address, e.g. <c>10.1.3.2</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The block the address belongs to.</summary>
    public required string Block { get; init; }

    /// <summary>Who holds the address (e.g. <c>namespace/pod</c> or a container id); allocation is idempotent per owner.</summary>
    public required string Owner { get; init; }

    /// <summary>When the address was allocated.</summary>
    public DateTimeOffset AllocatedAt { get; init; }

    /// <summary>Serializes to the stored JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StateJsonContext.Default.IpamAddressRecord);

    /// <summary>Parses stored JSON; null when it is not an address record.</summary>
    public static IpamAddressRecord? FromJson(string json) => StateJson.Read(json, StateJsonContext.Default.IpamAddressRecord);
}
