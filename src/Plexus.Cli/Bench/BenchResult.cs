using System.Globalization;

namespace Plexus.Cli.Bench;

/// <summary>
/// One reported figure: the median of Plexus and of the baseline over the repetitions, and their ratio (Plexus ÷
/// baseline). <see cref="Baseline"/> is null for figures the baseline has no counterpart of (the agent's own usage).
/// <see cref="PairedRatio"/>, when given, comes from the repetitions' own ratios (<see cref="BenchSamples.PairedRatio(BenchBed, BenchBed, int)"/>)
/// and is reported as the ratio instead of the quotient of the two medians.
/// </summary>
public sealed record BenchResult(string Scenario, string Metric, string Unit, double Plexus, double? Baseline, double? PairedRatio = null)
{
    /// <summary>The values the Plexus figure is the median of, in the order measured; empty when not kept.</summary>
    public IReadOnlyList<double> PlexusSamples { get; init; } = [];

    /// <summary>The baseline's values, paired with <see cref="PlexusSamples"/> by position; empty when not kept.</summary>
    public IReadOnlyList<double> BaselineSamples { get; init; } = [];

    /// <summary>
    /// Plexus ÷ baseline, the paired ratio when there is one; above 1 is better for rates, worse for latencies. 0 when the
    /// baseline is 0, null without one.
    /// </summary>
    public double? Ratio => Baseline switch
    {
        null => null,
        _ when PairedRatio is { } paired => Math.Round(paired, 3),
        0 => 0,
        { } baseline => Math.Round(Plexus / baseline, 3),
    };

    /// <summary>The median of <paramref name="samples"/> (mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// The nearest-rank <paramref name="percent"/> percentile of <paramref name="samples"/>: the smallest sample that
    /// at least that share of the samples does not exceed (p99 of 50 samples is the 50th, i.e. the largest).
    /// </summary>
    public static double Percentile(IReadOnlyList<double> samples, double percent)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>A figure rounded for display and JSON: three significant decimals for small values, fewer for large.</summary>
    public static double Round(double value) => Math.Abs(value) >= 100 ? Math.Round(value, 1) : Math.Round(value, 3);

    /// <summary>Formats a figure for the table; <c>-</c> when there is none.</summary>
    public static string Format(double? value) => value is { } v ? Round(v).ToString(CultureInfo.InvariantCulture) : "-";

    /// <summary>Formats a ratio for the table; <c>-</c> when there is none.</summary>
    public static string FormatRatio(double? ratio) => ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
