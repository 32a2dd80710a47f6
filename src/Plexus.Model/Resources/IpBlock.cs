namespace Plexus.Model;

/// <summary>A NetworkPolicy <c>ipBlock</c>: a CIDR minus strict sub-prefixes of it.</summary>
public sealed record IpBlock
{
    /// <summary>The allowed prefix.</summary>
    public required Cidr Cidr { get; init; }

    /// <summary>Prefixes inside <see cref="Cidr"/> that are excluded.</summary>
    public IReadOnlyList<Cidr> Except { get; init => field = ValueList<Cidr>.From(value); } = ValueList<Cidr>.Empty;

    /// <summary>Whether <paramref name="address"/> is in the CIDR and in none of the exceptions.</summary>
    public bool Contains(System.Net.IPAddress address) => Cidr.Contains(address) && !Except.Any(e => e.Contains(address));
}
