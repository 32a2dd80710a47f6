namespace Plexus.Policy;

/// <summary>How an endpoint treats traffic without a matching entry in one direction.</summary>
/// <param name="DefaultDeny">True when some policy selects the endpoint with a section for this direction (and does not disable default deny): unmatched traffic is dropped (reason 133).</param>
/// <param name="Audit">Policy audit mode: drops are reported as AUDIT and the traffic passes.</param>
/// <param name="EnforcedBy">Rules that made the direction default-deny, sorted.</param>
public sealed record DirectionPolicy(bool DefaultDeny, bool Audit, IReadOnlyList<string> EnforcedBy)
{
    /// <summary>Allow-all, not audited, enforced by nothing.</summary>
    public static DirectionPolicy Open { get; } = new(false, false, []);

    /// <summary>Same flags and sources.</summary>
    public bool Equals(DirectionPolicy? other) =>
        other is not null && DefaultDeny == other.DefaultDeny && Audit == other.Audit && EnforcedBy.SequenceEqual(other.EnforcedBy);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DefaultDeny, Audit, EnforcedBy.Count);
}
