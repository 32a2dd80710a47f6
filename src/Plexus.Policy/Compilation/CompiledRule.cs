namespace Plexus.Policy;

/// <summary>A rule with its subject and sections: one per NetworkPolicy, one per Cilium rule.</summary>
internal sealed class CompiledRule
{
    public required string Id { get; init; }

    public required LabelPeerSelector Subject { get; init; }

    /// <summary>Selecting an endpoint makes its ingress default-deny.</summary>
    public bool IsolatesIngress { get; init; }

    /// <summary>Selecting an endpoint makes its egress default-deny.</summary>
    public bool IsolatesEgress { get; init; }

    public required IReadOnlyList<CompiledSection> Sections { get; init; }

    public bool HasEgressNamedPorts => Sections.Any(s => s.Direction == PolicyDirection.Egress && s.HasNamedPorts);
}
