using System.Globalization;

namespace Plexus.Cli.Bench;

/// <summary>One reported figure: the median of Plexus and of the baseline over the repetitions, and their ratio (Plexus ÷ baseline).</summary>
public sealed record BenchResult(string Scenario, string Metric, string Unit, double Plexus, double Baseline)
{
    /// <summary>Plexus ÷ baseline; above 1 is better for rates, worse for latencies. 0 when the baseline is 0.</summary>
    public double Ratio => Baseline == 0 ? 0 : Math.Round(Plexus / Baseline, 3);

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

    /// <summary>A figure rounded for display and JSON: three significant decimals for small values, fewer for large.</summary>
    public static double Round(double value) => Math.Abs(value) >= 100 ? Math.Round(value, 1) : Math.Round(value, 3);

    /// <summary>Formats a figure for the table.</summary>
    public static string Format(double value) => Round(value).ToString(CultureInfo.InvariantCulture);
}
