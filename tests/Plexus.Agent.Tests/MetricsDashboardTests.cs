using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plexus.Agent.Metrics;
using Plexus.Lab.Processes;

namespace Plexus.Agent.Tests;

/// <summary>
/// The Grafana dashboard and docs/metrics.md stay in line with what the agent exports: every metric a panel queries is
/// in <see cref="MetricCatalogue"/>, and every catalogue family is documented.
/// </summary>
public sealed partial class MetricsDashboardTests
{
    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
        "rate", "irate", "increase", "delta", "histogram_quantile", "vector", "scalar", "abs", "clamp_min", "clamp_max",
        "label_values", "time", "e", "inf", "nan",
    };

    [Fact]
    public void Every_metric_the_dashboard_queries_is_one_the_agent_exports()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Repository("deploy", "grafana", "plexus-dashboard.json")))!;
        var expressions = Expressions(dashboard).ToList();
        Assert.True(expressions.Count >= 15, $"only {expressions.Count} queries found");

        var used = expressions.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.All(used, name => Assert.True(MetricCatalogue.SeriesNames.Contains(name), $"the dashboard queries {name}, which the agent does not export"));

        // The panels the dashboard promises.
        foreach (var name in (string[])["plexus_datapath_packets_total", "hubble_flows_processed_total", "hubble_drop_total", "plexus_policy_verdicts_total",
            "hubble_lost_events_total", "plexus_bpf_map_pressure", "plexus_store_operation_duration_seconds_bucket", "process_resident_memory_bytes", "process_cpu_seconds_total"])
        {
            Assert.Contains(name, used);
        }
    }

    [Fact]
    public void Metric_names_are_found_in_PromQL()
    {
        Assert.Equal(
            ["plexus_store_operation_duration_seconds_bucket"],
            MetricNames("histogram_quantile(0.99, sum by (le, operation) (rate(plexus_store_operation_duration_seconds_bucket{instance=~\"$instance\"}[$__rate_interval])))"));
        Assert.Equal(["a_total", "b_bytes"], MetricNames("sum(rate(a_total{x=\"y z\"}[5m])) / on (node) group_left b_bytes * 8"));
    }

    [Fact]
    public void Every_exported_family_is_documented_in_docs_metrics_md()
    {
        var doc = File.ReadAllText(Repository("docs", "metrics.md"));
        foreach (var family in MetricCatalogue.All)
        {
            Assert.True(doc.Contains($"`{family.Name}`", StringComparison.Ordinal), $"docs/metrics.md does not describe {family.Name}");
            foreach (var label in family.Labels)
            {
                Assert.True(doc.Contains($"`{label}`", StringComparison.Ordinal), $"docs/metrics.md does not name label {label} of {family.Name}");
            }
        }
    }

    /// <summary>Metric names in a PromQL expression: identifiers left after strings, label matchers, ranges and grouping clauses are cut, that are not functions or keywords.</summary>
    internal static List<string> MetricNames(string expr)
    {
        var text = StringLiteral().Replace(expr, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !FollowedByParen(text, m.Index + m.Length) && !PromQlWords.Contains(m.Value))
            .Select(m => m.Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        static bool FollowedByParen(string s, int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            return i < s.Length && s[i] == '(';
        }
    }

    private static IEnumerable<string> Expressions(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "expr" && value is JsonValue v && v.TryGetValue<string>(out var expr))
                    {
                        yield return expr;
                    }
                    else if (value is not null)
                    {
                        foreach (var e in Expressions(value))
                        {
                            yield return e;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    foreach (var e in Expressions(item))
                    {
                        yield return e;
                    }
                }

                break;
        }
    }

    private static string Repository(params string[] parts) =>
        Path.Combine([Binaries.RepositoryRoot() ?? throw new InvalidOperationException("repository root not found"), .. parts]);

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
