namespace Plexus.Model;

/// <summary>A <c>cilium.io/v2</c> CiliumNetworkPolicy or (with <see cref="IsClusterwide"/>) CiliumClusterwideNetworkPolicy.</summary>
public sealed record CiliumNetworkPolicyResource : Resource
{
    internal CiliumNetworkPolicyResource(ResourceKind kind, ObjectMeta metadata, string json, IEnumerable<CiliumRule> rules)
        : base(kind, metadata, json)
    {
        Rules = ValueList<CiliumRule>.From(rules);
    }

    /// <summary>True for CiliumClusterwideNetworkPolicy (no namespace; selectors span all namespaces).</summary>
    public bool IsClusterwide => ResourceKind == ResourceKind.CiliumClusterwideNetworkPolicy;

    /// <summary>The rules: <c>spec</c> first (when given), then <c>specs</c> in order.</summary>
    public IReadOnlyList<CiliumRule> Rules { get; }
}
