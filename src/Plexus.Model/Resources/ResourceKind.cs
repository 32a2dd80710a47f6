namespace Plexus.Model;

/// <summary>A kind of resource Plexus serves: its API version, names and scope.</summary>
public sealed class ResourceKind
{
    private ResourceKind(string apiVersion, string kind, string plural, bool namespaced, params string[] shortNames)
    {
        ApiVersion = apiVersion;
        Kind = kind;
        Plural = plural;
        Singular = kind.ToLowerInvariant();
        Namespaced = namespaced;
        ShortNames = shortNames;
    }

    /// <summary><c>v1</c> Namespace (cluster-scoped).</summary>
    public static ResourceKind Namespace { get; } = new("v1", "Namespace", "namespaces", false, "ns");

    /// <summary><c>v1</c> Service.</summary>
    public static ResourceKind Service { get; } = new("v1", "Service", "services", true, "svc");

    /// <summary><c>networking.k8s.io/v1</c> NetworkPolicy.</summary>
    public static ResourceKind NetworkPolicy { get; } = new("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true, "netpol");

    /// <summary><c>cilium.io/v2</c> CiliumNetworkPolicy.</summary>
    public static ResourceKind CiliumNetworkPolicy { get; } = new("cilium.io/v2", "CiliumNetworkPolicy", "ciliumnetworkpolicies", true, "cnp", "ciliumnp");

    /// <summary><c>cilium.io/v2</c> CiliumClusterwideNetworkPolicy (cluster-scoped).</summary>
    public static ResourceKind CiliumClusterwideNetworkPolicy { get; } = new("cilium.io/v2", "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies", false, "ccnp");

    /// <summary>Every kind, in the order they should be applied (namespaces first).</summary>
    public static IReadOnlyList<ResourceKind> All { get; } = [Namespace, Service, NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy];

    /// <summary>apiVersion, e.g. <c>cilium.io/v2</c>.</summary>
    public string ApiVersion { get; }

    /// <summary>API group (<c>cilium.io</c>); empty for the core group.</summary>
    public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";

    /// <summary>Kind as written in manifests, e.g. <c>CiliumNetworkPolicy</c>.</summary>
    public string Kind { get; }

    /// <summary>Lower-case plural, e.g. <c>ciliumnetworkpolicies</c>; also the store key segment.</summary>
    public string Plural { get; }

    /// <summary>Lower-case singular, e.g. <c>ciliumnetworkpolicy</c>.</summary>
    public string Singular { get; }

    /// <summary>Short names, e.g. <c>cnp</c>.</summary>
    public IReadOnlyList<string> ShortNames { get; }

    /// <summary>Whether objects live in a namespace.</summary>
    public bool Namespaced { get; }

    /// <summary>
    /// Resolves a word a user typed: kind, plural, singular or short name, case-insensitive, optionally qualified by
    /// the group (<c>cnp.cilium.io</c>, <c>networkpolicies.networking.k8s.io</c>); null when unknown.
    /// </summary>
    public static ResourceKind? Resolve(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        word = word.Trim();
        var dot = word.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? word : word[..dot];
        var group = dot < 0 ? null : word[(dot + 1)..];
        return All.FirstOrDefault(k =>
            (group is null || string.Equals(group, k.Group, StringComparison.OrdinalIgnoreCase))
            && (string.Equals(name, k.Kind, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, k.Plural, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, k.Singular, StringComparison.OrdinalIgnoreCase)
                || k.ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>The kind whose manifest <c>kind</c> is exactly <paramref name="kind"/> (case-sensitive); null when unknown.</summary>
    public static ResourceKind? FromKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);

    /// <inheritdoc/>
    public override string ToString() => Kind;
}
