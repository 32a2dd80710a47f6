namespace Plexus.Policy.Tests;

/// <summary>Expands the conformance notation (<c>*→x/a except x/b; x/*→*</c>) into sorted <c>from→to</c> pairs.</summary>
internal static class Expect
{
    public static List<string> Denials(string notation)
    {
        var pairs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in notation.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(" except ", StringSplitOptions.TrimEntries);
            var except = parts.Length > 1 ? parts[1].Split(',', StringSplitOptions.TrimEntries) : [];
            var (from, to) = (parts[0].Split('→')[0], parts[0].Split('→')[1]);
            foreach (var s in Cluster.PodNames.Where(p => Matches(from, p)))
            {
                foreach (var d in Cluster.PodNames.Where(p => Matches(to, p) && p != s))
                {
                    var wildcardSide = from.Contains('*', StringComparison.Ordinal) ? s : d;
                    if (!except.Contains(wildcardSide))
                    {
                        pairs.Add($"{s}→{d}");
                    }
                }
            }
        }

        return [.. pairs];
    }

    private static bool Matches(string pattern, string pod) =>
        pattern.Split(',').Any(p => p == "*" || p == pod || (p.EndsWith("/*", StringComparison.Ordinal) && pod.StartsWith(p[..^1], StringComparison.Ordinal)));
}
