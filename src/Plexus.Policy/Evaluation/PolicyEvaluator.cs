namespace Plexus.Policy;

/// <summary>
/// The policy lookup exactly as the datapath performs it (docs/policy.md, "Lookup order"): a longest-prefix
/// lookup for the peer's identity and one for identity 0; a deny from either wins, then an allow from either, then
/// the direction's default.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>Decides traffic of <paramref name="protocol"/> to <paramref name="port"/> (ICMP: the type) with peer <paramref name="peerIdentity"/>.</summary>
    public static PolicyVerdict Decide(EndpointPolicy policy, PolicyDirection direction, uint peerIdentity, byte protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Decide(policy.Entries, policy.For(direction), direction, peerIdentity, protocol, port);
    }

    /// <summary>Decides against <paramref name="entries"/> with the direction's <paramref name="defaults"/>.</summary>
    public static PolicyVerdict Decide(IReadOnlyList<PolicyEntry> entries, DirectionPolicy defaults, PolicyDirection direction, uint peerIdentity, byte protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(defaults);
        var exact = peerIdentity == 0 ? null : Longest(entries, direction, peerIdentity, protocol, port);
        var wildcard = Longest(entries, direction, 0, protocol, port);
        PolicyDecision decision;
        PolicyEntry? entry;
        if (exact?.Verdict == EntryVerdict.Deny || wildcard?.Verdict == EntryVerdict.Deny)
        {
            (decision, entry) = (PolicyDecision.Denied, exact?.Verdict == EntryVerdict.Deny ? exact : wildcard);
        }
        else if (exact is not null || wildcard is not null)
        {
            (decision, entry) = (PolicyDecision.Allowed, exact ?? wildcard);
        }
        else
        {
            (decision, entry) = (defaults.DefaultDeny ? PolicyDecision.DeniedByDefault : PolicyDecision.NotEnforced, null);
        }

        var audit = defaults.Audit && decision is PolicyDecision.Denied or PolicyDecision.DeniedByDefault;
        return new PolicyVerdict(decision, audit, entry);
    }

    /// <summary>Decides like <see cref="Decide(EndpointPolicy, PolicyDirection, uint, byte, int)"/> and keeps both lookups, for <c>plexus policy trace</c>.</summary>
    public static PolicyTrace Trace(EndpointPolicy policy, PolicyDirection direction, uint peerIdentity, byte protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var exact = peerIdentity == 0 ? null : Longest(policy.Entries, direction, peerIdentity, protocol, port);
        var wildcard = Longest(policy.Entries, direction, 0, protocol, port);
        var verdict = Decide(policy, direction, peerIdentity, protocol, port);
        return new PolicyTrace(policy.EndpointId, policy.Identity, direction, peerIdentity, protocol, port, policy.For(direction), exact, wildcard, verdict);
    }

    /// <summary>
    /// One longest-prefix lookup: among the entries of <paramref name="identity"/>, the one whose protocol and port
    /// prefix match with the most fixed bits (protocol-specific entries by port prefix length, then the any-protocol entry).
    /// </summary>
    internal static PolicyEntry? Longest(IReadOnlyList<PolicyEntry> entries, PolicyDirection direction, uint identity, byte protocol, int port)
    {
        PolicyEntry? best = null;
        foreach (var entry in entries)
        {
            var key = entry.Key;
            if (key.Direction == direction && key.Identity == identity && key.MatchesL4(protocol, port)
                && (best is null || key.L4PrefixLength > best.Key.L4PrefixLength))
            {
                best = entry;
            }
        }

        return best;
    }
}
