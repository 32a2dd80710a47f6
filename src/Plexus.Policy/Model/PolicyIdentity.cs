using System.Net;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>
/// A security identity as the compiler sees it: number, labels, the addresses currently holding it (pod or node IPs,
/// so CIDR rules can match in-cluster peers) and the named ports its endpoints declare (egress named ports).
/// </summary>
public sealed record PolicyIdentity
{
    /// <summary>The identity number.</summary>
    public required uint Number { get; init; }

    /// <summary>Its labels.</summary>
    public required IdentityLabels Labels { get; init; }

    /// <summary>Addresses of the endpoints or nodes with this identity.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];

    /// <summary>Named ports declared by the endpoints with this identity.</summary>
    public IReadOnlyList<NamedPort> NamedPorts { get; init; } = [];

    /// <summary>Same number, labels, addresses and named ports.</summary>
    public bool Equals(PolicyIdentity? other) =>
        other is not null && Number == other.Number && Labels.Equals(other.Labels)
        && Addresses.SequenceEqual(other.Addresses) && NamedPorts.SequenceEqual(other.NamedPorts);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Number, Labels);
}
