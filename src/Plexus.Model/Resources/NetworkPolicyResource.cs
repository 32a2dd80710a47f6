namespace Plexus.Model;

/// <summary>A <c>networking.k8s.io/v1</c> NetworkPolicy.</summary>
public sealed record NetworkPolicyResource : Resource
{
    internal NetworkPolicyResource(ObjectMeta metadata, string json, NetworkPolicySpec spec)
        : base(ResourceKind.NetworkPolicy, metadata, json)
    {
        Spec = spec;
    }

    /// <summary>The policy.</summary>
    public NetworkPolicySpec Spec { get; }
}
