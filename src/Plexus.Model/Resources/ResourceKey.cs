namespace Plexus.Model;

/// <summary>
/// Identifies a stored resource; its store key is <c>plexus/resources/&lt;plural&gt;/&lt;namespace or _&gt;/&lt;name&gt;</c>.
/// </summary>
public sealed record ResourceKey
{
    /// <summary>Prefix of every resource key.</summary>
    public const string Root = "plexus/resources/";

    /// <summary>The namespace segment used for cluster-scoped kinds.</summary>
    public const string ClusterScope = "_";

    /// <summary>Creates a key; throws when the namespace does not fit the kind's scope or a part is empty or holds '/'.</summary>
    public ResourceKey(ResourceKind kind, string? @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(name);
        if (kind.Namespaced && string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{kind.Kind} is namespaced: a namespace is required", nameof(@namespace));
        }

        if (!kind.Namespaced && @namespace is not null)
        {
            throw new ArgumentException($"{kind.Kind} is cluster-scoped: namespace must be null", nameof(@namespace));
        }

        CheckSegment(name, nameof(name));
        if (@namespace is not null)
        {
            CheckSegment(@namespace, nameof(@namespace));
        }

        Kind = kind;
        Namespace = @namespace;
        Name = name;
    }

    /// <summary>The kind.</summary>
    public ResourceKind Kind { get; }

    /// <summary>The namespace; null for cluster-scoped kinds.</summary>
    public string? Namespace { get; }

    /// <summary>The object name.</summary>
    public string Name { get; }

    /// <summary>The store key.</summary>
    public string StoreKey => $"{Root}{Kind.Plural}/{Namespace ?? ClusterScope}/{Name}";

    /// <summary>The store key of a resource.</summary>
    public static string For(ResourceKind kind, string? @namespace, string name) => new ResourceKey(kind, @namespace, name).StoreKey;

    /// <summary>Prefix of all keys of <paramref name="kind"/>, or only those in <paramref name="namespace"/> when given (namespaced kinds).</summary>
    public static string Prefix(ResourceKind kind, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (@namespace is null)
        {
            return $"{Root}{kind.Plural}/";
        }

        if (!kind.Namespaced)
        {
            throw new ArgumentException($"{kind.Kind} is cluster-scoped: namespace must be null", nameof(@namespace));
        }

        CheckSegment(@namespace, nameof(@namespace));
        return $"{Root}{kind.Plural}/{@namespace}/";
    }

    /// <summary>Parses a store key back into a key; null when it is not a resource key of a known kind.</summary>
    public static ResourceKey? TryParse(string storeKey)
    {
        ArgumentNullException.ThrowIfNull(storeKey);
        if (!storeKey.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = storeKey[Root.Length..].Split('/');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return null;
        }

        var kind = ResourceKind.All.FirstOrDefault(k => k.Plural == parts[0]);
        if (kind is null || kind.Namespaced == (parts[1] == ClusterScope))
        {
            return null;
        }

        return new ResourceKey(kind, kind.Namespaced ? parts[1] : null, parts[2]);
    }

    /// <summary>The store key.</summary>
    public override string ToString() => StoreKey;

    private static void CheckSegment(string value, string parameter)
    {
        if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"\"{value}\" is not a valid key segment", parameter);
        }
    }
}
