namespace Plexus.Model;

/// <summary>Label key and value rules (Kubernetes), plus Cilium's source prefixes (<c>k8s:</c>, <c>any:</c>, <c>reserved:</c>, <c>cidr:</c>).</summary>
public static class LabelSyntax
{
    /// <summary>Sources a Cilium selector key may name before a ':'.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["k8s", "any", "reserved", "cidr"];

    /// <summary>Names valid after <c>reserved:</c>.</summary>
    public static IReadOnlyList<string> ReservedNames { get; } =
        ["host", "world", "world-ipv4", "world-ipv6", "remote-node", "health", "init", "unmanaged", "kube-apiserver", "ingress", "unknown"];

    /// <summary>Splits a key into its source (null when none) and the key proper: <c>k8s:app</c> → (<c>k8s</c>, <c>app</c>).</summary>
    public static (string? Source, string Name) SplitSource(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var source = key[..colon];
            if (Sources.Contains(source))
            {
                return (source, key[(colon + 1)..]);
            }
        }

        return (null, key);
    }

    /// <summary>Checks a Kubernetes label key (qualified name); returns the error reason or null.</summary>
    public static string? KeyError(string key) =>
        NameSyntax.QualifiedName(key) is { } problem ? $"invalid label key \"{key}\": {problem}" : null;

    /// <summary>Checks a key in a Cilium selector: an optional source prefix, then a label key.</summary>
    public static string? CiliumKeyError(string key)
    {
        var (source, name) = SplitSource(key);
        switch (source)
        {
            case "reserved":
                return ReservedNames.Contains(name)
                    ? null
                    : $"invalid label key \"{key}\": unknown reserved label \"{name}\"{Suggestions.DidYouMean(name, ReservedNames)}";
            case "cidr":
                return Cidr.TryParse(name, out _, out _) || Cidr.TryParse(name.Replace('-', ':'), out _, out _)
                    ? null
                    : $"invalid label key \"{key}\": \"{name}\" is not a CIDR";
        }

        if (source is null && key.Contains(':', StringComparison.Ordinal))
        {
            var prefix = key[..key.IndexOf(':', StringComparison.Ordinal)];
            return $"invalid label key \"{key}\": unknown source \"{prefix}\"{Suggestions.DidYouMean(prefix, Sources)} (sources: {string.Join(", ", Sources)})";
        }

        return NameSyntax.QualifiedName(name) is { } problem ? $"invalid label key \"{key}\": {problem}" : null;
    }

    /// <summary>Checks a label value: empty, or at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends.</summary>
    public static string? ValueError(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (value.Length > 63)
        {
            return $"invalid label value \"{value}\": must be no more than 63 characters";
        }

        var valid = char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1])
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        return valid ? null : $"invalid label value \"{value}\": must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    }
}
