using System.Text.RegularExpressions;

namespace Plexus.Model;

/// <summary>Kubernetes name rules; each check returns an error reason naming the value, or null when valid.</summary>
public static partial class NameSyntax
{
    /// <summary>RFC 1123 label: at most 63 lower-case alphanumerics or '-', alphanumeric at both ends (Namespace names).</summary>
    public static string? Dns1123Label(string value) =>
        value.Length == 0 ? "must not be empty"
        : value.Length > 63 ? $"\"{value}\" must be no more than 63 characters"
        : Dns1123LabelPattern().IsMatch(value) ? null
        : $"\"{value}\" is not a valid RFC 1123 label: use lower-case letters, digits and '-', starting and ending with a letter or digit";

    /// <summary>RFC 1123 subdomain: dot-separated RFC 1123 labels, at most 253 characters (most object names).</summary>
    public static string? Dns1123Subdomain(string value) =>
        value.Length == 0 ? "must not be empty"
        : value.Length > 253 ? $"\"{value}\" must be no more than 253 characters"
        : Dns1123SubdomainPattern().IsMatch(value) ? null
        : $"\"{value}\" is not a valid RFC 1123 subdomain: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";

    /// <summary>RFC 1035 label: like an RFC 1123 label but starting with a letter (Service names).</summary>
    public static string? Dns1035Label(string value) =>
        value.Length == 0 ? "must not be empty"
        : value.Length > 63 ? $"\"{value}\" must be no more than 63 characters"
        : Dns1035LabelPattern().IsMatch(value) ? null
        : $"\"{value}\" is not a valid RFC 1035 label: use lower-case letters, digits and '-', starting with a letter and ending with a letter or digit";

    /// <summary>IANA service name (named ports): at most 15 lower-case alphanumerics or '-', at least one letter, no leading, trailing or double '-'.</summary>
    public static string? IanaServiceName(string value)
    {
        string? problem =
            value.Length == 0 ? "must not be empty"
            : value.Length > 15 ? "must be no more than 15 characters"
            : !value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') ? "must contain only lower-case letters, digits and '-'"
            : !value.Any(char.IsAsciiLetterLower) ? "must contain at least one letter"
            : value.StartsWith('-') || value.EndsWith('-') ? "must not begin or end with '-'"
            : value.Contains("--", StringComparison.Ordinal) ? "must not contain '--'"
            : null;
        return problem is null ? null : $"invalid port name \"{value}\": {problem}";
    }

    /// <summary>Qualified name: optional DNS-subdomain prefix and '/', then a name of at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends.</summary>
    public static string? QualifiedName(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? value : value[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = value[..slash];
            if (prefix.Length == 0)
            {
                return "prefix before '/' must not be empty";
            }

            if (prefix.Length > 253 || !Dns1123SubdomainPattern().IsMatch(prefix))
            {
                return $"prefix \"{prefix}\" must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)";
            }
        }

        return name.Length == 0 ? "name part must not be empty"
            : name.Length > 63 ? $"name part \"{name}\" must be no more than 63 characters"
            : QualifiedNamePattern().IsMatch(name) ? null
            : $"name part \"{name}\" must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123SubdomainPattern();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035LabelPattern();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNamePattern();
}
