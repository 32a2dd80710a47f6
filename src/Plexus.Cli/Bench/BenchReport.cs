using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plexus.Cli.Output;

namespace Plexus.Cli.Bench;

/// <summary>
/// The outcome of a run: the figures, with the facts of the machine, the settings that produced them and how long each
/// part took (<see cref="Timings"/>: seconds by part, in run order: <c>setup</c>, each scenario, <c>teardown</c> is not
/// included, <c>total</c> last).
/// </summary>
public sealed record BenchReport(
    DateTimeOffset Started, BenchSettings Settings, IReadOnlyList<BenchResult> Results, IReadOnlyDictionary<string, string> Machine, IReadOnlyList<KeyValuePair<string, double>> Timings)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Kernel release, cores and CPU model of this machine, its load before the run, the pods' MTUs, and how steady the
    /// CPU was and how fast its memory answered before and after the run (<see cref="CpuCheck"/>, <see cref="MemoryCheck"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> MachineFacts(
        string loadBefore, int plexusPodMtu, int baselinePodMtu, (string Before, string After) cpuCheck, (string Before, string After) memoryCheck) =>
        new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["cpuCheckBefore"] = cpuCheck.Before,
        ["cpuCheckAfter"] = cpuCheck.After,
        ["memoryCheckBefore"] = memoryCheck.Before,
        ["memoryCheckAfter"] = memoryCheck.After,
        ["kernel"] = ReadOr("/proc/sys/kernel/osrelease", "unknown"),
        ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        ["cpu"] = CpuModel(),
        ["loadBefore"] = loadBefore,
        ["plexusPodMtu"] = plexusPodMtu.ToString(CultureInfo.InvariantCulture),
        ["baselinePodMtu"] = baselinePodMtu.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The 1, 5 and 15 minute load averages now: other work on the machine skews every figure.</summary>
    public static string LoadAverage() => string.Join(' ', ReadOr("/proc/loadavg", "unknown").Split(' ').Take(3));

    /// <summary>
    /// The contract document <c>{"results": [{scenario, metric, unit, plexus, baseline, ratio}]}</c>, each result with
    /// the samples behind it (<c>samples: {plexus: [...], baseline: [...]}</c>, null when not kept), plus machine,
    /// settings and timings.
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["results"] = new JsonArray([.. Results.Select(r => (JsonNode)new JsonObject
        {
            ["scenario"] = r.Scenario,
            ["metric"] = r.Metric,
            ["unit"] = r.Unit,
            ["plexus"] = BenchResult.Round(r.Plexus),
            ["baseline"] = r.Baseline is { } baseline ? BenchResult.Round(baseline) : null,
            ["ratio"] = r.Ratio,
            ["samples"] = r.PlexusSamples.Count == 0 ? null : new JsonObject
            {
                ["plexus"] = new JsonArray([.. r.PlexusSamples.Select(v => (JsonNode)BenchResult.Round(v))]),
                ["baseline"] = r.BaselineSamples.Count == 0 ? null : new JsonArray([.. r.BaselineSamples.Select(v => (JsonNode)BenchResult.Round(v))]),
            },
        })]),
        ["machine"] = new JsonObject([.. Machine.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))]),
        ["settings"] = new JsonObject
        {
            ["started"] = Started.ToString("o", CultureInfo.InvariantCulture),
            ["quick"] = Settings.Quick,
            ["repetitions"] = Settings.Repetitions,
            ["durationSeconds"] = Settings.Duration.TotalSeconds,
        },
        ["timings"] = new JsonObject([.. Timings.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(Math.Round(t.Value, 1))))]),
    };

    /// <summary>A duration as the progress output and the summary show it: <c>3 min 24 s</c>, or <c>41.2 s</c> under a minute.</summary>
    public static string Describe(double seconds)
    {
        if (seconds < 59.95)
        {
            return seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        }

        var whole = (int)Math.Round(seconds, MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture, $"{whole / 60} min {whole % 60} s");
    }

    /// <summary>The table printed by default.</summary>
    public string ToTable()
    {
        var table = new Table("SCENARIO", "METRIC", "UNIT", "PLEXUS", "BASELINE", "RATIO");
        foreach (var r in Results)
        {
            table.Add(r.Scenario, r.Metric, r.Unit, BenchResult.Format(r.Plexus), BenchResult.Format(r.Baseline), BenchResult.FormatRatio(r.Ratio));
        }

        return table.ToString();
    }

    /// <summary>The markdown summary written next to the JSON.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# plexus bench {Started:yyyy-MM-dd HH:mm:ss} UTC\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{(Settings.Quick ? "`--quick`: " : "")}{Settings.Repetitions} repetitions of {Settings.Duration.TotalSeconds:0} s, the datapath scenarios more and shorter samples; ");
        text.Append("each figure is the median of its side's samples (how many: `n`). Ratio = Plexus ÷ baseline (higher is better for rates, lower for latencies): ");
        text.Append("the geometric mean of the pairs' own ratios without their lowest and highest fifth, each pair measured seconds apart ");
        text.Append("(the services flatness: the quotient of the two sides' figures); `-` where the baseline has no counterpart.\n\n");
        foreach (var (key, value) in Machine)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {key}: {value}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"- time: {string.Join(", ", Timings.Select(t => $"{t.Key} {Describe(t.Value)}"))}\n");
        text.Append("\n| scenario | metric | unit | plexus | baseline | ratio | n |\n|---|---|---|---:|---:|---:|---:|\n");
        foreach (var r in Results)
        {
            var n = r.PlexusSamples.Count == 0 ? "-" : r.PlexusSamples.Count.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Metric} | {r.Unit} | {BenchResult.Format(r.Plexus)} | {BenchResult.Format(r.Baseline)} | {BenchResult.FormatRatio(r.Ratio)} | {n} |\n");
        }

        return text.ToString();
    }

    /// <summary>Writes <c>&lt;timestamp&gt;.json</c> and <c>.md</c> into <paramref name="directory"/>; returns the JSON file's path.</summary>
    public async Task<string> SaveAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, Started.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(stem + ".json", ToJson().ToJsonString(Indented) + "\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(stem + ".md", ToMarkdown(), cancellationToken).ConfigureAwait(false);
        return stem + ".json";
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
                ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string ReadOr(string file, string fallback)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (IOException)
        {
            return fallback;
        }
    }
}
