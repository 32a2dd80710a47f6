namespace Plexus.Model;

/// <summary>The spec of a Kubernetes NetworkPolicy.</summary>
public sealed record NetworkPolicySpec
{
    /// <summary>Pods the policy applies to, in the policy's namespace (<c>{}</c> = all).</summary>
    public LabelSelector PodSelector { get; init; } = LabelSelector.Everything;

    /// <summary><c>policyTypes</c> as written (possibly empty).</summary>
    public IReadOnlyList<PolicyType> PolicyTypes { get; init => field = ValueList<PolicyType>.From(value); } = ValueList<PolicyType>.Empty;

    /// <summary>Ingress rules.</summary>
    public IReadOnlyList<NetworkPolicyRule> Ingress { get; init => field = ValueList<NetworkPolicyRule>.From(value); } = ValueList<NetworkPolicyRule>.Empty;

    /// <summary>Egress rules.</summary>
    public IReadOnlyList<NetworkPolicyRule> Egress { get; init => field = ValueList<NetworkPolicyRule>.From(value); } = ValueList<NetworkPolicyRule>.Empty;

    /// <summary>The directions the policy isolates: <see cref="PolicyTypes"/> when written, else Ingress plus Egress when egress rules exist.</summary>
    public IReadOnlyList<PolicyType> EffectivePolicyTypes =>
        PolicyTypes.Count > 0 ? PolicyTypes
        : Egress.Count > 0 ? [PolicyType.Ingress, PolicyType.Egress]
        : [PolicyType.Ingress];

    /// <summary>Whether selected pods are isolated for ingress.</summary>
    public bool AppliesToIngress => EffectivePolicyTypes.Contains(PolicyType.Ingress);

    /// <summary>Whether selected pods are isolated for egress.</summary>
    public bool AppliesToEgress => EffectivePolicyTypes.Contains(PolicyType.Egress);
}
