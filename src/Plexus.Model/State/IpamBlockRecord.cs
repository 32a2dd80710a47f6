using System.Text.Json;

namespace Plexus.Model.State;

/// <summary>Ownership of one pod CIDR block (key <see cref="StoreKeys.IpamBlock"/>, CAS-created, no lease: it survives agent restarts).</summary>
public sealed record IpamBlockRecord
{
    /// <summary>The block, e.g. <c>10.1.3.0/24</c>.</summary>
    public required string Cidr { get; init; }

    /// <summary>Cluster name.</summary>
    public required string Cluster { get; init; }

    /// <summary>The node that owns the block.</summary>
    public required string Node { get; init; }

    /// <summary>When the node claimed the block.</summary>
    public DateTimeOffset ClaimedAt { get; init; }

    /// <summary>Serializes to the stored JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StateJsonContext.Default.IpamBlockRecord);

    /// <summary>Parses stored JSON; null when it is not a block record.</summary>
    public static IpamBlockRecord? FromJson(string json) => StateJson.Read(json, StateJsonContext.Default.IpamBlockRecord);
}
