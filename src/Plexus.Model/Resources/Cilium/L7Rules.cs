namespace Plexus.Model;

/// <summary>L7 rules of a port rule: HTTP or DNS (one kind per port rule).</summary>
public sealed record L7Rules
{
    /// <summary>HTTP rules; a request passes when it matches any.</summary>
    public IReadOnlyList<HttpRule> Http { get; init => field = ValueList<HttpRule>.From(value); } = ValueList<HttpRule>.Empty;

    /// <summary>DNS rules (egress only); a query passes when it matches any.</summary>
    public IReadOnlyList<FqdnSelector> Dns { get; init => field = ValueList<FqdnSelector>.From(value); } = ValueList<FqdnSelector>.Empty;
}
