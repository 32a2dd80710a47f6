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

    public required IReadOnlyList<CompiledSection> Sections
    {
        get;
        init
        {
            field = value;
            HasEgressNamedPorts = value.Any(s => s.Direction == PolicyDirection.Egress && s.HasNamedPorts);
            SelectorKeys = value.SelectMany(s => s.Selectors).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>Some egress section names a port, which resolves against each peer identity's ports.</summary>
    public bool HasEgressNamedPorts { get; private init; }

    /// <summary>Keys of every peer selector of the rule.</summary>
    public IReadOnlySet<string> SelectorKeys { get; private init; } = new HashSet<string>();
}
