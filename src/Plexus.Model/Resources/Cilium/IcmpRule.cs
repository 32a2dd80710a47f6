namespace Plexus.Model;

/// <summary>An <c>icmps</c> entry: ICMP types that are allowed (or denied).</summary>
public sealed record IcmpRule
{
    /// <summary>The ICMP types, each with its family.</summary>
    public IReadOnlyList<IcmpField> Fields { get; init => field = ValueList<IcmpField>.From(value); } = ValueList<IcmpField>.Empty;
}
