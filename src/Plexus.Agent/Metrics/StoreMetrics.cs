using System.Collections.Concurrent;

namespace Plexus.Agent.Metrics;

/// <summary>Latency histograms of store calls by operation and outcome, and watch events by type (fed by <see cref="InstrumentedStore"/>).</summary>
public sealed class StoreMetrics : IMetricsCollector
{
    private readonly ConcurrentDictionary<(string Operation, string Outcome), Histogram> _durations = new();
    private readonly LabeledCounter<string> _watchEvents = new(MetricCatalogue.StoreWatchEvents, type => [type]);

    /// <inheritdoc/>
    public string Name => "store";

    /// <summary>Records one call of <paramref name="operation"/> that ended with <paramref name="outcome"/> after <paramref name="elapsed"/>.</summary>
    public void Observe(string operation, string outcome, TimeSpan elapsed) =>
        _durations.GetOrAdd((operation, outcome), static _ => new Histogram(Histogram.LatencyBounds)).Observe(elapsed.TotalSeconds);

    /// <summary>Counts one watch event.</summary>
    public void WatchEvent(string type) => _watchEvents.Increment(type);

    /// <summary>The histogram of one operation and outcome, if any call was recorded.</summary>
    public HistogramSnapshot? Snapshot(string operation, string outcome) =>
        _durations.TryGetValue((operation, outcome), out var histogram) ? histogram.Snapshot() : null;

    /// <inheritdoc/>
    public void Collect(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var ((operation, outcome), histogram) in _durations)
        {
            writer.AddHistogram(MetricCatalogue.StoreDuration, histogram.Snapshot(), operation, outcome);
        }

        _watchEvents.WriteTo(writer);
    }
}
