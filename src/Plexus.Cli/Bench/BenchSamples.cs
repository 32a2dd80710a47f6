namespace Plexus.Cli.Bench;

/// <summary>
/// The values a scenario measured, per side and metric, in repetition order. Both sides measure every repetition back
/// to back, so repetition k of Plexus and repetition k of the baseline form a pair taken at nearly the same moment.
/// </summary>
public sealed class BenchSamples
{
    private readonly Dictionary<BenchBed, List<double>[]> _values;

    /// <summary>Creates empty samples of <paramref name="metrics"/> figures for each of <paramref name="beds"/>.</summary>
    public BenchSamples(IReadOnlyList<BenchBed> beds, int metrics)
    {
        ArgumentNullException.ThrowIfNull(beds);
        _values = beds.ToDictionary(b => b, _ => Enumerable.Range(0, metrics).Select(_ => new List<double>()).ToArray());
    }

    /// <summary>Adds one repetition's value of metric <paramref name="metric"/> on <paramref name="bed"/>.</summary>
    public void Add(BenchBed bed, int metric, double value) => _values[bed][metric].Add(value);

    /// <summary>The values of metric <paramref name="metric"/> on <paramref name="bed"/>, in repetition order.</summary>
    public IReadOnlyList<double> Of(BenchBed bed, int metric) => _values[bed][metric];

    /// <summary>The median of metric <paramref name="metric"/> on <paramref name="bed"/>.</summary>
    public double Median(BenchBed bed, int metric) => BenchResult.Median(_values[bed][metric]);

    /// <summary>The medians of every metric on <paramref name="bed"/>.</summary>
    public double[] Medians(BenchBed bed) => [.. _values[bed].Select(v => BenchResult.Median(v))];

    /// <summary>
    /// Plexus ÷ baseline over the repetitions' pairs (<see cref="PairedRatio(IReadOnlyList{double}, IReadOnlyList{double})"/>).
    /// The host of a VM changes speed over minutes; a ratio of two medians taken over the whole scenario carries that
    /// drift into the ratio, a ratio of values measured seconds apart does not.
    /// </summary>
    public double? PairedRatio(BenchBed plexus, BenchBed baseline, int metric) => PairedRatio(_values[plexus][metric], _values[baseline][metric]);

    /// <summary>
    /// The trimmed geometric mean of <paramref name="plexus"/>[k] ÷ <paramref name="baseline"/>[k] over the pairs whose
    /// baseline is not 0: the lowest and the highest fifth of the ratios left out (at least one each from three pairs
    /// on, so three pairs give their median), the rest averaged in logarithms. Null when there is no pair. Averaging
    /// the middle ratios uses more of the samples than their median does (40 pairs of 1-stream throughput,
    /// bootstrapped: 95 % of the estimates within 0.96–1.15, the median's within 0.94–1.21), and leaving out the tails
    /// keeps a pair that met a stalled host from moving it.
    /// </summary>
    public static double? PairedRatio(IReadOnlyList<double> plexus, IReadOnlyList<double> baseline)
    {
        ArgumentNullException.ThrowIfNull(plexus);
        ArgumentNullException.ThrowIfNull(baseline);
        var logs = plexus.Zip(baseline).Where(p => p.Second != 0 && p.First / p.Second > 0).Select(p => Math.Log(p.First / p.Second)).Order().ToList();
        if (logs.Count == 0)
        {
            return null;
        }

        var trim = logs.Count >= 3 ? Math.Max(1, logs.Count / 5) : 0;
        return Math.Exp(logs.Skip(trim).Take(logs.Count - (2 * trim)).Average());
    }
}
