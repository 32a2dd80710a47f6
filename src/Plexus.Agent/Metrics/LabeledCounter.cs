using System.Collections.Concurrent;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Counters of one family keyed by a label tuple (<typeparamref name="TKey"/>, e.g. <c>(string Reason, string Protocol)</c>):
/// increments allocate nothing once a key exists; label strings are produced only when a scrape writes them.
/// Thread-safe.
/// </summary>
public sealed class LabeledCounter<TKey>(MetricDescriptor family, Func<TKey, string[]> labels)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, StrongBox> _values = new();

    /// <summary>The family written.</summary>
    public MetricDescriptor Family { get; } = family;

    /// <summary>Adds <paramref name="by"/> to the counter of <paramref name="key"/>.</summary>
    public void Increment(TKey key, long by = 1)
    {
        var box = _values.GetOrAdd(key, static _ => new StrongBox());
        Interlocked.Add(ref box.Value, by);
    }

    /// <summary>The value of <paramref name="key"/> (0 when never incremented).</summary>
    public long Get(TKey key) => _values.TryGetValue(key, out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>Writes every counter.</summary>
    public void WriteTo(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (key, box) in _values)
        {
            writer.Add(Family, Interlocked.Read(ref box.Value), labels(key));
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
