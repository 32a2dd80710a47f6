namespace Plexus.Model;

/// <summary>One Cilium policy rule: a subject (endpoints or nodes) and its allow and deny rules per direction.</summary>
public sealed record CiliumRule
{
    /// <summary>Endpoints the rule applies to (exclusive with <see cref="NodeSelector"/>).</summary>
    public LabelSelector? EndpointSelector { get; init; }

    /// <summary>Nodes the rule applies to (host policy, clusterwide only; exclusive with <see cref="EndpointSelector"/>).</summary>
    public LabelSelector? NodeSelector { get; init; }

    /// <summary>Free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>Labels identifying the rule.</summary>
    public IReadOnlyList<RuleLabel> Labels { get; init => field = ValueList<RuleLabel>.From(value); } = ValueList<RuleLabel>.Empty;

    /// <summary>Whether selecting an endpoint for ingress makes it default-deny; null = yes.</summary>
    public bool? EnableDefaultDenyIngress { get; init; }

    /// <summary>Whether selecting an endpoint for egress makes it default-deny; null = yes.</summary>
    public bool? EnableDefaultDenyEgress { get; init; }

    /// <summary>Ingress allow rules.</summary>
    public IReadOnlyList<CiliumPeerRule> Ingress { get; init => field = ValueList<CiliumPeerRule>.From(value); } = ValueList<CiliumPeerRule>.Empty;

    /// <summary>Ingress deny rules (no L7).</summary>
    public IReadOnlyList<CiliumPeerRule> IngressDeny { get; init => field = ValueList<CiliumPeerRule>.From(value); } = ValueList<CiliumPeerRule>.Empty;

    /// <summary>Egress allow rules.</summary>
    public IReadOnlyList<CiliumPeerRule> Egress { get; init => field = ValueList<CiliumPeerRule>.From(value); } = ValueList<CiliumPeerRule>.Empty;

    /// <summary>Egress deny rules (no L7).</summary>
    public IReadOnlyList<CiliumPeerRule> EgressDeny { get; init => field = ValueList<CiliumPeerRule>.From(value); } = ValueList<CiliumPeerRule>.Empty;

    /// <summary>The subject selector, whichever of the two is set.</summary>
    public LabelSelector Subject => EndpointSelector ?? NodeSelector ?? LabelSelector.Everything;

    /// <summary>True when the rule selects nodes (host policy).</summary>
    public bool SelectsNodes => NodeSelector is not null;

    /// <summary>Whether the rule has an ingress section (allow or deny).</summary>
    public bool HasIngress => Ingress.Count > 0 || IngressDeny.Count > 0;

    /// <summary>Whether the rule has an egress section (allow or deny).</summary>
    public bool HasEgress => Egress.Count > 0 || EgressDeny.Count > 0;
}
