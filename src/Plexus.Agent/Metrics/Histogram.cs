namespace Plexus.Agent.Metrics;

/// <summary>A Prometheus histogram with fixed upper bounds; <see cref="Observe"/> is lock-free and thread-safe.</summary>
public sealed class Histogram
{
    /// <summary>Bounds for latencies of calls over a network, 0.5 ms to 10 s.</summary>
    public static IReadOnlyList<double> LatencyBounds { get; } = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _count;
    private long _sumBits;

    /// <summary>A histogram with the given ascending upper bounds (+Inf is implied).</summary>
    public Histogram(IReadOnlyList<double> bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        _bounds = [.. bounds];
        for (var i = 1; i < _bounds.Length; i++)
        {
            if (!(_bounds[i] > _bounds[i - 1]))
            {
                throw new ArgumentException("bounds must be strictly ascending", nameof(bounds));
            }
        }

        _counts = new long[_bounds.Length];
    }

    /// <summary>Records one observation.</summary>
    public void Observe(double value)
    {
        var i = Array.BinarySearch(_bounds, value);
        i = i < 0 ? ~i : i;
        if (i < _counts.Length)
        {
            Interlocked.Increment(ref _counts[i]);
        }

        double sum, updated;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _sumBits);
            sum = BitConverter.Int64BitsToDouble(seen);
            updated = sum + value;
        }
        while (Interlocked.CompareExchange(ref _sumBits, BitConverter.DoubleToInt64Bits(updated), seen) != seen);

        Interlocked.Increment(ref _count);
    }

    /// <summary>The current counts (per bucket, not cumulative), sum and count.</summary>
    public HistogramSnapshot Snapshot()
    {
        // Read the total last: it never lags the buckets, so the +Inf bucket stays at least their sum.
        var counts = new long[_counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _counts[i]);
        }

        var sum = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits));
        var count = Math.Max(Interlocked.Read(ref _count), counts.Sum());
        return new HistogramSnapshot(_bounds, counts, sum, count);
    }
}
