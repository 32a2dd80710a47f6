using System.Globalization;
using System.Text;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Collects the samples of one scrape and renders them in Prometheus's text format 0.0.4: families in
/// <see cref="MetricCatalogue.All"/> order, each with <c># HELP</c> and <c># TYPE</c> and all its samples together (the
/// format requires that), label values escaped. Only catalogue families can be written. Not thread-safe: one per scrape
/// (or per collector, then <see cref="Merge"/>d).
/// </summary>
public sealed class MetricsWriter
{
    /// <summary>The content type of the rendered text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly HashSet<MetricDescriptor> Known = [.. MetricCatalogue.All];
    private readonly Dictionary<MetricDescriptor, StringBuilder> _families = [];

    /// <summary>Adds one counter or gauge sample; <paramref name="labelValues"/> follow <see cref="MetricDescriptor.Labels"/>.</summary>
    public void Add(MetricDescriptor family, double value, params ReadOnlySpan<string> labelValues)
    {
        var sb = Family(family, MetricType.Counter, MetricType.Gauge);
        CheckLabels(family, labelValues.Length);
        sb.Append(family.Name);
        AppendLabels(sb, family.Labels, labelValues, null);
        sb.Append(' ');
        AppendValue(sb, value);
        sb.Append('\n');
    }

    /// <summary>Adds one histogram series (buckets, sum, count) from <paramref name="snapshot"/>.</summary>
    public void AddHistogram(MetricDescriptor family, HistogramSnapshot snapshot, params ReadOnlySpan<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var sb = Family(family, MetricType.Histogram, MetricType.Histogram);
        CheckLabels(family, labelValues.Length);
        var cumulative = 0L;
        for (var i = 0; i < snapshot.Bounds.Count; i++)
        {
            cumulative += snapshot.Counts[i];
            sb.Append(family.Name).Append("_bucket");
            AppendLabels(sb, family.Labels, labelValues, FormatValue(snapshot.Bounds[i]));
            sb.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        sb.Append(family.Name).Append("_bucket");
        AppendLabels(sb, family.Labels, labelValues, "+Inf");
        sb.Append(' ').Append(snapshot.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append(family.Name).Append("_sum");
        AppendLabels(sb, family.Labels, labelValues, null);
        sb.Append(' ');
        AppendValue(sb, snapshot.Sum);
        sb.Append('\n');
        sb.Append(family.Name).Append("_count");
        AppendLabels(sb, family.Labels, labelValues, null);
        sb.Append(' ').Append(snapshot.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Appends every sample of <paramref name="other"/> (a collector's output that completed).</summary>
    public void Merge(MetricsWriter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (family, samples) in other._families)
        {
            if (!_families.TryGetValue(family, out var sb))
            {
                _families[family] = sb = new StringBuilder();
            }

            sb.Append(samples);
        }
    }

    /// <summary>The exposition text.</summary>
    public string Render()
    {
        var text = new StringBuilder(4096);
        foreach (var family in MetricCatalogue.All)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ');
            EscapeHelp(text, family.Help);
            text.Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.TypeName).Append('\n');
            if (_families.TryGetValue(family, out var samples))
            {
                text.Append(samples);
            }
        }

        return text.ToString();
    }

    /// <summary>A sample value as the text format writes it (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, shortest round-trip otherwise).</summary>
    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A label value escaped for the text format: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        AppendEscaped(sb, value, escapeQuote: true);
        return sb.ToString();
    }

    private StringBuilder Family(MetricDescriptor family, MetricType allowed, MetricType alsoAllowed)
    {
        ArgumentNullException.ThrowIfNull(family);
        if (!Known.Contains(family))
        {
            throw new ArgumentException($"{family.Name} is not in the metric catalogue", nameof(family));
        }

        if (family.Type != allowed && family.Type != alsoAllowed)
        {
            throw new ArgumentException($"{family.Name} is a {family.TypeName}", nameof(family));
        }

        if (!_families.TryGetValue(family, out var sb))
        {
            _families[family] = sb = new StringBuilder();
        }

        return sb;
    }

    private static void CheckLabels(MetricDescriptor family, int count)
    {
        if (count != family.Labels.Count)
        {
            throw new ArgumentException($"{family.Name} takes {family.Labels.Count} label values, got {count}");
        }
    }

    private static void AppendLabels(StringBuilder sb, IReadOnlyList<string> names, ReadOnlySpan<string> values, string? le)
    {
        if (names.Count == 0 && le is null)
        {
            return;
        }

        sb.Append('{');
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(names[i]).Append("=\"");
            AppendEscaped(sb, values[i] ?? string.Empty, escapeQuote: true);
            sb.Append('"');
        }

        if (le is not null)
        {
            sb.Append(names.Count > 0 ? "," : string.Empty).Append("le=\"").Append(le).Append('"');
        }

        sb.Append('}');
    }

    private static void AppendValue(StringBuilder sb, double value)
    {
        // Counts are whole numbers: write them without an exponent however large they get.
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value))
        {
            sb.Append(((long)value).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(FormatValue(value));
        }
    }

    private static void EscapeHelp(StringBuilder sb, string help) => AppendEscaped(sb, help, escapeQuote: false);

    private static void AppendEscaped(StringBuilder sb, string value, bool escapeQuote)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    sb.Append(@"\\");
                    break;
                case '\n':
                    sb.Append(@"\n");
                    break;
                case '"' when escapeQuote:
                    sb.Append("\\\"");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }
}
