namespace Plexus.Integration.Tests.Conformance;

/// <summary>
/// The expectation notation of <c>shared/conformance/k8s-netpol-e2e.md</c>, turned into a 9×9 matrix of denied
/// (source, target) pairs over <see cref="Pods"/>; every pair not listed is allowed. Clauses are separated by
/// <c>;</c>: <c>none</c>, or <c>SOURCES→TARGETS [except POD, …]</c> where each side is a comma-separated list of
/// <c>*</c> (every pod), <c>NS/*</c> (every pod of NS) or <c>NS/POD</c>. <c>except</c> takes pods out of the side that
/// is a wildcard (exactly one side must be). <c>-&gt;</c> may stand for <c>→</c>.
/// </summary>
public static class DenialNotation
{
    /// <summary>The conformance pods, in matrix order.</summary>
    public static IReadOnlyList<string> Pods { get; } = [.. from ns in "xyz" from pod in "abc" select $"{ns}/{pod}"];

    /// <summary>Parses <paramref name="text"/>; <c>denied[s, t]</c> is true when traffic from pod s to pod t must be dropped. Throws <see cref="FormatException"/> naming the bad part.</summary>
    public static bool[,] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var denied = new bool[Pods.Count, Pods.Count];
        var trimmed = text.Trim();
        if (trimmed == "none")
        {
            return denied;
        }

        foreach (var raw in trimmed.Split(';'))
        {
            var clause = raw.Trim().Replace("->", "→", StringComparison.Ordinal);
            var exceptAt = clause.IndexOf(" except ", StringComparison.Ordinal);
            var pairs = exceptAt < 0 ? clause : clause[..exceptAt];
            var arrow = pairs.Split('→');
            if (arrow.Length != 2)
            {
                throw new FormatException($"\"{raw.Trim()}\" is not SOURCES→TARGETS [except PODS]");
            }

            var (sourceWild, sources) = Side(arrow[0], raw);
            var (targetWild, targets) = Side(arrow[1], raw);
            if (exceptAt >= 0)
            {
                var excepted = clause[(exceptAt + 8)..].Split(',').Select(p => Pod(p.Trim(), raw)).ToHashSet();
                if (sourceWild == targetWild)
                {
                    throw new FormatException($"\"{raw.Trim()}\": except needs exactly one wildcard side to apply to");
                }

                if (sourceWild)
                {
                    sources.ExceptWith(excepted);
                }
                else
                {
                    targets.ExceptWith(excepted);
                }
            }

            foreach (var s in sources)
            {
                foreach (var t in targets)
                {
                    denied[s, t] = true;
                }
            }
        }

        return denied;
    }

    /// <summary>The denied pairs of a matrix as <c>s→t</c> strings (diagonal left out), for messages and tests.</summary>
    public static IReadOnlyList<string> Describe(bool[,] denied)
    {
        ArgumentNullException.ThrowIfNull(denied);
        return [.. from s in Enumerable.Range(0, Pods.Count)
                   from t in Enumerable.Range(0, Pods.Count)
                   where s != t && denied[s, t]
                   select $"{Pods[s]}→{Pods[t]}"];
    }

    private static (bool Wildcard, HashSet<int> Pods) Side(string text, string clause)
    {
        var pods = new HashSet<int>();
        var wildcard = false;
        foreach (var part in text.Split(',').Select(p => p.Trim()))
        {
            if (part == "*")
            {
                wildcard = true;
                pods.UnionWith(Enumerable.Range(0, Pods.Count));
            }
            else if (part.EndsWith("/*", StringComparison.Ordinal))
            {
                wildcard = true;
                var ns = part[..^2];
                var inNs = Enumerable.Range(0, Pods.Count).Where(i => Pods[i].StartsWith(ns + "/", StringComparison.Ordinal)).ToList();
                if (inNs.Count == 0)
                {
                    throw new FormatException($"\"{clause.Trim()}\": no namespace \"{ns}\"");
                }

                pods.UnionWith(inNs);
            }
            else
            {
                pods.Add(Pod(part, clause));
            }
        }

        return (wildcard, pods);
    }

    private static int Pod(string name, string clause)
    {
        var index = Pods.ToList().IndexOf(name);
        return index >= 0 ? index : throw new FormatException($"\"{clause.Trim()}\": \"{name}\" is not a pod (x/a … z/c), NS/* or *");
    }
}
