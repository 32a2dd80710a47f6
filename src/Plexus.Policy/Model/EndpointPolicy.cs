namespace Plexus.Policy;

/// <summary>The compiled policy of one local endpoint: its policy map entries and per-direction defaults.</summary>
public sealed record EndpointPolicy
{
    /// <summary>The endpoint id (policy map key prefix).</summary>
    public required int EndpointId { get; init; }

    /// <summary>The endpoint's own identity when compiled.</summary>
    public required uint Identity { get; init; }

    /// <summary>Repository revision this result was computed at.</summary>
    public required long Revision { get; init; }

    /// <summary>Ingress defaults.</summary>
    public required DirectionPolicy Ingress { get; init; }

    /// <summary>Egress defaults.</summary>
    public required DirectionPolicy Egress { get; init; }

    /// <summary>Entries of both directions, sorted by key; keys are unique.</summary>
    public required IReadOnlyList<PolicyEntry> Entries { get; init; }

    /// <summary>Defaults of <paramref name="direction"/>.</summary>
    public DirectionPolicy For(PolicyDirection direction) => direction == PolicyDirection.Ingress ? Ingress : Egress;

    /// <summary>Same endpoint, identity, defaults and entries (the revision is ignored).</summary>
    public bool SameContent(EndpointPolicy other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return EndpointId == other.EndpointId && Identity == other.Identity && Ingress.Equals(other.Ingress)
            && Egress.Equals(other.Egress) && Entries.SequenceEqual(other.Entries);
    }
}
