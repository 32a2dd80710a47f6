namespace Plexus.Model;

/// <summary>One ingress (<c>from</c>) or egress (<c>to</c>) rule of a NetworkPolicy.</summary>
public sealed record NetworkPolicyRule
{
    /// <summary>Peers (<c>from</c> or <c>to</c>); empty means every peer.</summary>
    public IReadOnlyList<NetworkPolicyPeer> Peers { get; init => field = ValueList<NetworkPolicyPeer>.From(value); } = ValueList<NetworkPolicyPeer>.Empty;

    /// <summary>Ports; empty means every port.</summary>
    public IReadOnlyList<NetworkPolicyPort> Ports { get; init => field = ValueList<NetworkPolicyPort>.From(value); } = ValueList<NetworkPolicyPort>.Empty;
}
