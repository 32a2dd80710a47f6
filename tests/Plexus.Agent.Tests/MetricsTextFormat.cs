using System.Globalization;
using System.Text.RegularExpressions;

namespace Plexus.Agent.Tests;

/// <summary>A strict reader of Prometheus text format 0.0.4 for tests: every line must parse, families must be contiguous.</summary>
internal static partial class MetricsTextFormat
{
    /// <summary>One sample: series name, labels, value.</summary>
    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>Parses <paramref name="text"/>; fails the test on any malformed line, a TYPE after samples, or a family split in two.</summary>
    public static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.Split('\n')[..^1])
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                Assert.Matches("^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$", line);
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Contains(parts[3], (string[])["counter", "gauge", "histogram", "summary", "untyped"]);
                Assert.False(types.ContainsKey(parts[2]), $"TYPE of {parts[2]} twice");
                types[parts[2]] = parts[3];
                if (current is not null)
                {
                    finished.Add(current);
                }

                current = parts[2];
                continue;
            }

            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"not a sample line: {line}");
            var name = m.Groups["name"].Value;
            var family = FamilyOf(name, types);
            Assert.True(family == current, $"{name} is outside its family's block (current: {current})");
            Assert.DoesNotContain(family, finished);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match l in Label().Matches(m.Groups["labels"].Value))
            {
                Assert.True(labels.TryAdd(l.Groups[1].Value, Unescape(l.Groups[2].Value)), $"label {l.Groups[1].Value} twice in {line}");
            }

            var value = m.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(name, labels, value));
        }

        var series = samples.Select(s => s.Name + string.Join(',', s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))).ToList();
        Assert.Equal(series.Count, series.Distinct(StringComparer.Ordinal).Count());
        return samples;
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public static double Value(IEnumerable<Sample> samples, string name, params (string Key, string Value)[] labels)
    {
        var match = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(match.Count == 1, $"{match.Count} samples of {name} {string.Join(',', labels)}");
        return match[0].Value;
    }

    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var t) && t == "histogram")
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static string Unescape(string value)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                sb.Append(value[i] == 'n' ? '\n' : value[i]);
            }
            else
            {
                sb.Append(value[i]);
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
