namespace Plexus.Cli.Bench;

/// <summary>How long and how often each scenario measures.</summary>
public sealed record BenchSettings(int Repetitions, TimeSpan Duration, bool Quick)
{
    /// <summary>The full suite: 5 repetitions of 8 s per figure and side.</summary>
    public static BenchSettings Full { get; } = new(5, TimeSpan.FromSeconds(8), Quick: false);

    /// <summary><c>--quick</c>: 3 repetitions of 3 s.</summary>
    public static BenchSettings Short { get; } = new(3, TimeSpan.FromSeconds(3), Quick: true);

    /// <summary>The longest a single tool run may take before it is killed.</summary>
    public TimeSpan ToolTimeout => Duration + TimeSpan.FromSeconds(20);
}
