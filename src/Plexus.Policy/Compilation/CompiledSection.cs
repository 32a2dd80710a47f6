namespace Plexus.Policy;

/// <summary>One allow or deny section of a rule (an entry of ingress, ingressDeny, egress, egressDeny, or a NetworkPolicy rule).</summary>
internal sealed class CompiledSection
{
    public required string Id { get; init; }

    public required PolicyDirection Direction { get; init; }

    public required EntryVerdict Verdict { get; init; }

    /// <summary>Every peer (identity 0).</summary>
    public bool AnyPeer { get; init; }

    public IReadOnlyList<PeerSelector> Peers { get; init; } = [];

    /// <summary>Selectors every peer must also match (<c>fromRequires</c>).</summary>
    public IReadOnlyList<PeerSelector> Requires { get; init; } = [];

    /// <summary>Port conditions; never empty (all traffic is <see cref="PortSpec.AllTraffic"/>).</summary>
    public required IReadOnlyList<PortSpec> Ports { get; init; }

    public bool HasNamedPorts => Ports.Any(p => p.IsNamed);

    public IEnumerable<PeerSelector> Selectors => Peers.Concat(Requires);
}
