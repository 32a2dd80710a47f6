namespace Plexus.Model;

/// <summary>
/// One entry of <c>ingress</c>, <c>ingressDeny</c>, <c>egress</c> or <c>egressDeny</c>. The peer fields are the
/// same for both directions (<c>fromEndpoints</c> and <c>toEndpoints</c> both land in <see cref="Endpoints"/>);
/// the list the rule sits in gives its direction. Only one kind of L3 peer is set (besides <see cref="Requires"/>).
/// </summary>
public sealed record CiliumPeerRule
{
    /// <summary><c>fromEndpoints</c>/<c>toEndpoints</c>.</summary>
    public IReadOnlyList<LabelSelector> Endpoints { get; init => field = ValueList<LabelSelector>.From(value); } = ValueList<LabelSelector>.Empty;

    /// <summary><c>fromRequires</c>/<c>toRequires</c>: extra conditions every peer must meet.</summary>
    public IReadOnlyList<LabelSelector> Requires { get; init => field = ValueList<LabelSelector>.From(value); } = ValueList<LabelSelector>.Empty;

    /// <summary><c>fromEntities</c>/<c>toEntities</c>.</summary>
    public IReadOnlyList<CiliumEntity> Entities { get; init => field = ValueList<CiliumEntity>.From(value); } = ValueList<CiliumEntity>.Empty;

    /// <summary><c>fromCIDR</c>/<c>toCIDR</c>.</summary>
    public IReadOnlyList<Cidr> Cidrs { get; init => field = ValueList<Cidr>.From(value); } = ValueList<Cidr>.Empty;

    /// <summary><c>fromCIDRSet</c>/<c>toCIDRSet</c>.</summary>
    public IReadOnlyList<CidrRule> CidrSets { get; init => field = ValueList<CidrRule>.From(value); } = ValueList<CidrRule>.Empty;

    /// <summary><c>fromNodes</c>/<c>toNodes</c>.</summary>
    public IReadOnlyList<LabelSelector> Nodes { get; init => field = ValueList<LabelSelector>.From(value); } = ValueList<LabelSelector>.Empty;

    /// <summary><c>toServices</c> (egress only).</summary>
    public IReadOnlyList<ServiceSelector> Services { get; init => field = ValueList<ServiceSelector>.From(value); } = ValueList<ServiceSelector>.Empty;

    /// <summary><c>toFQDNs</c> (egress allow only).</summary>
    public IReadOnlyList<FqdnSelector> Fqdns { get; init => field = ValueList<FqdnSelector>.From(value); } = ValueList<FqdnSelector>.Empty;

    /// <summary><c>toGroups</c> (egress only).</summary>
    public IReadOnlyList<AwsGroup> Groups { get; init => field = ValueList<AwsGroup>.From(value); } = ValueList<AwsGroup>.Empty;

    /// <summary>L4 (and L7) conditions; empty = every port.</summary>
    public IReadOnlyList<CiliumPortRule> ToPorts { get; init => field = ValueList<CiliumPortRule>.From(value); } = ValueList<CiliumPortRule>.Empty;

    /// <summary>ICMP conditions (never together with <see cref="ToPorts"/>).</summary>
    public IReadOnlyList<IcmpRule> Icmps { get; init => field = ValueList<IcmpRule>.From(value); } = ValueList<IcmpRule>.Empty;

    /// <summary>Mutual authentication requirement, when given.</summary>
    public AuthenticationMode? Authentication { get; init; }

    /// <summary>True when no L3 peer is given (Cilium then matches no peer, but the section still isolates).</summary>
    public bool HasNoPeers =>
        Endpoints.Count == 0 && Entities.Count == 0 && Cidrs.Count == 0 && CidrSets.Count == 0 && Nodes.Count == 0
        && Services.Count == 0 && Fqdns.Count == 0 && Groups.Count == 0;
}
