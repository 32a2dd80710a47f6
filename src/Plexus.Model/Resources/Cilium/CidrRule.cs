namespace Plexus.Model;

/// <summary>A <c>fromCIDRSet</c>/<c>toCIDRSet</c> entry: a CIDR (or a CIDR group reference) minus exceptions.</summary>
public sealed record CidrRule
{
    /// <summary>The prefix; null when <see cref="CidrGroupRef"/> is used.</summary>
    public Cidr? Cidr { get; init; }

    /// <summary>Excluded sub-prefixes.</summary>
    public IReadOnlyList<Cidr> Except { get; init => field = ValueList<Cidr>.From(value); } = ValueList<Cidr>.Empty;

    /// <summary>Name of a CiliumCIDRGroup, instead of <see cref="Cidr"/>.</summary>
    public string? CidrGroupRef { get; init; }
}
