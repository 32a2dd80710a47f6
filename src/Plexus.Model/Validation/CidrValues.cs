namespace Plexus.Model;

/// <summary>Reads CIDRs and <c>except</c> lists (strict sub-prefixes of the same family).</summary>
internal static class CidrValues
{
    /// <summary>The error reason for a malformed CIDR, or null.</summary>
    public static string? Reason(string text) => Cidr.TryParse(text, out _, out var error) ? null : error;

    /// <summary>Reads the CIDR field <paramref name="name"/>.</summary>
    public static Cidr? Read(ObjectReader reader, string name, bool required = false) =>
        reader.String(name, required, Reason) is { } text && Cidr.TryParse(text, out var cidr) ? cidr : null;

    /// <summary>Reads a list of CIDRs.</summary>
    public static IReadOnlyList<Cidr> ReadList(ObjectReader reader, string name) =>
        [.. reader.StringItems(name, Reason).Select(s => Cidr.TryParse(s.Value, out var c) ? (Cidr?)c : null).OfType<Cidr>()];

    /// <summary>Reads <c>except</c>; each entry must be a strict sub-prefix of <paramref name="cidr"/> (when known) of the same family.</summary>
    public static IReadOnlyList<Cidr> ReadExcept(ObjectReader reader, Cidr? cidr)
    {
        var result = new List<Cidr>();
        foreach (var item in reader.StringItems("except", Reason))
        {
            if (!Cidr.TryParse(item.Value, out var except))
            {
                continue;
            }

            result.Add(except);
            if (cidr is not { } outer)
            {
                continue;
            }

            if (except.IsIPv6 != outer.IsIPv6)
            {
                reader.Scope.Error(item.Path, item.Node, $"except \"{item.Value}\" is not of the same IP family as cidr \"{outer}\"");
            }
            else if (!outer.Contains(except) || except == outer)
            {
                reader.Scope.Error(item.Path, item.Node, $"except \"{item.Value}\" must be a strict subset of cidr \"{outer}\"");
            }
        }

        return result;
    }
}
