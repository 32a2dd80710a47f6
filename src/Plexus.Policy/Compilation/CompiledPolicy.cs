using Plexus.Model;

namespace Plexus.Policy;

/// <summary>A policy resource translated into rules, with the CIDRs it needs identities for and what it could not express.</summary>
internal sealed class CompiledPolicy
{
    public required ResourceKey Key { get; init; }

    public required Resource Resource { get; init; }

    public required IReadOnlyList<CompiledRule> Rules { get; init; }

    public IEnumerable<PeerSelector> Selectors => Rules.SelectMany(r => r.Sections).SelectMany(s => s.Selectors);

    public IEnumerable<Cidr> Prefixes => Selectors.OfType<CidrPeerSelector>().SelectMany(s => s.Prefixes).Distinct();

    public required IReadOnlyList<string> Warnings { get; init; }
}
