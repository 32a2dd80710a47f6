using Plexus.Model;

namespace Plexus.Cli.Commands;

/// <summary>The arguments of <c>plexus label</c>: labels to set (<c>key=value</c>) and to remove (<c>key-</c>), or the first error.</summary>
internal sealed record LabelChanges(IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Remove, string? Error)
{
    /// <summary>Whether <paramref name="key"/> is set or removed.</summary>
    public bool Touches(string key) => Set.ContainsKey(key) || Remove.Contains(key);

    /// <summary>Parses kubectl-style label arguments; a key both set and removed, or named twice, is an error.</summary>
    public static LabelChanges Parse(IEnumerable<string> arguments)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        var remove = new List<string>();
        LabelChanges Fail(string message) => new(set, remove, message);
        foreach (var text in arguments)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var key = eq >= 0 ? text[..eq] : text.EndsWith('-') ? text[..^1] : null;
            if (key is null)
            {
                return Fail($"\"{text}\" is neither key=value nor key- (to remove the label)");
            }

            if (LabelSyntax.KeyError(key) is { } keyProblem)
            {
                return Fail($"\"{text}\": key \"{key}\": {keyProblem}");
            }

            if (set.ContainsKey(key) || remove.Contains(key))
            {
                return Fail($"\"{text}\": label \"{key}\" is named more than once");
            }

            if (eq < 0)
            {
                remove.Add(key);
                continue;
            }

            var value = text[(eq + 1)..];
            if (LabelSyntax.ValueError(value) is { } valueProblem)
            {
                return Fail($"\"{text}\": value \"{value}\": {valueProblem}");
            }

            set[key] = value;
        }

        return set.Count + remove.Count == 0 ? Fail("no labels given: name at least one key=value or key-") : new(set, remove, null);
    }
}
