namespace Plexus.Cli.Bench;

/// <summary>How long and how often each scenario measures.</summary>
public sealed record BenchSettings(int Repetitions, TimeSpan Duration, bool Quick)
{
    /// <summary>The full suite: 5 repetitions of 8 s per figure and side.</summary>
    public static BenchSettings Full { get; } = new(5, TimeSpan.FromSeconds(8), Quick: false);

    /// <summary><c>--quick</c>: 3 repetitions of 3 s.</summary>
    public static BenchSettings Short { get; } = new(3, TimeSpan.FromSeconds(3), Quick: true);

    /// <summary>
    /// The sampling of the datapath scenarios (throughput, latency, connrate): three times the repetitions (the
    /// repetitions plus two with <c>--quick</c>) of a quarter of the duration, at least 2 s, in whole seconds: about the
    /// time five 8 s repetitions take, in more and shorter samples (15 × 2 s in the full suite, 5 × 2 s with <c>--quick</c>). On a
    /// shared VM the host's speed drifts over seconds to minutes and one run settles at a rate of its own; more runs,
    /// each paired with the other side's run seconds later, narrow the median, where longer runs do not.
    /// </summary>
    public BenchSettings Sampled() => this with
    {
        Repetitions = Quick ? Repetitions + 2 : 3 * Repetitions,
        Duration = TimeSpan.FromSeconds(Math.Max(2, Math.Floor(Duration.TotalSeconds / 4))),
    };

    /// <summary>
    /// The sampling of throughput and latency: the repetitions of <see cref="Sampled"/>, samples half as long and at
    /// least a second (one second in a full or quick run): their pairs sit closer in time than 2 s ones.
    /// </summary>
    public BenchSettings SampledShort()
    {
        var sampled = Sampled();
        return sampled with { Duration = TimeSpan.FromSeconds(Math.Max(1, Math.Floor(sampled.Duration.TotalSeconds / 2))) };
    }

    /// <summary>The longest a single tool run may take before it is killed.</summary>
    public TimeSpan ToolTimeout => Duration + TimeSpan.FromSeconds(20);
}
