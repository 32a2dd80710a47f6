namespace Plexus.Model;

/// <summary>
/// A NetworkPolicy peer: pods matching <see cref="PodSelector"/> in namespaces matching <see cref="NamespaceSelector"/>
/// (both present = AND; only a pod selector = the policy's namespace; only a namespace selector = all pods there),
/// or addresses in <see cref="IpBlock"/>.
/// </summary>
public sealed record NetworkPolicyPeer
{
    /// <summary>Pod selector, when given.</summary>
    public LabelSelector? PodSelector { get; init; }

    /// <summary>Namespace selector, when given.</summary>
    public LabelSelector? NamespaceSelector { get; init; }

    /// <summary>Address block, when given (never together with selectors).</summary>
    public IpBlock? IpBlock { get; init; }
}
