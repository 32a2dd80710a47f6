namespace Plexus.Agent.Metrics;

/// <summary>A histogram's state at one moment.</summary>
/// <param name="Bounds">Upper bounds, ascending (+Inf implied).</param>
/// <param name="Counts">Observations per bucket (not cumulative), one per bound.</param>
/// <param name="Sum">Sum of all observations.</param>
/// <param name="Count">Number of observations (including those above the last bound).</param>
public sealed record HistogramSnapshot(IReadOnlyList<double> Bounds, IReadOnlyList<long> Counts, double Sum, long Count);
