using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>
/// What the agents cost: resident memory and CPU of the <c>plexus-agent</c> of each node (n1 runs the client pod, n2
/// the server pod), first over an idle window, then over a window of <c>connrate</c> load (every new connection is a
/// conntrack entry and a flow event on both nodes). The baseline has no agent, so these figures have no baseline.
/// </summary>
public sealed class AgentScenario : BenchScenario
{
    // The load runs this much longer than the window it is measured in: it starts (a .NET process) before the window
    // opens and ends after it closes.
    private static readonly TimeSpan LoadLead = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LoadTail = TimeSpan.FromSeconds(1);
    private static readonly string[] Nodes = ["n1", "n2"];
    private readonly ConnRateScenario _load = new();

    /// <inheritdoc/>
    public override string Name => "agent";

    /// <inheritdoc/>
    public override bool HasBaseline => false;

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } =
    [
        .. Nodes.SelectMany(n => new BenchMetric[]
        {
            new($"{n} rss idle", "MiB"), new($"{n} rss connrate", "MiB"), new($"{n} cpu idle", "% core"), new($"{n} cpu connrate", "% core"),
        }),
        new("connrate load", "1/s"),
    ];

    /// <summary>At most three windows of each kind: the figures have no baseline to pair with, and a median of three is steady (±1 MiB, ±0.3 % of a core).</summary>
    public override Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return base.RunAsync(plexus, baseline, settings with { Repetitions = Math.Min(settings.Repetitions, 3) }, progress, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) => _load.StartServerAsync(bed, cancellationToken);

    /// <inheritdoc/>
    public override async Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken)
    {
        var pids = await AgentPidsAsync(bed, cancellationToken).ConfigureAwait(false);
        var idle = await AgentUsage.MeasureAsync(pids, settings.Duration, cancellationToken).ConfigureAwait(false);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var load = _load.MeasureAsync(bed, settings with { Duration = LoadLead + settings.Duration + LoadTail }, stopLoad.Token);
        IReadOnlyList<AgentUsage> busy;
        try
        {
            await Task.Delay(LoadLead, cancellationToken).ConfigureAwait(false);
            busy = await AgentUsage.MeasureAsync(pids, settings.Duration, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stopLoad.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(load).ConfigureAwait(false); // bounded by the tool timeout; its own failure is secondary
            throw;
        }

        var rate = (await load.ConfigureAwait(false))[0];
        return [.. idle.Zip(busy).SelectMany(u => new[] { u.First.RssMiB, u.Second.RssMiB, u.First.CpuPercent, u.Second.CpuPercent }), rate];
    }

    // The agents of n1 and n2, by pid from the process table (LabStatus), looked up each repetition: the lab restarts
    // an agent that dies.
    private static async Task<IReadOnlyList<int>> AgentPidsAsync(BenchBed bed, CancellationToken cancellationToken)
    {
        var lab = bed.Lab ?? throw new BenchException($"{bed.Name} has no agents to measure");
        var status = await LabStatus.CollectAsync(lab, cancellationToken).ConfigureAwait(false);
        return [.. Nodes.Select(name => status.Nodes.Single(n => n.Name == name).AgentPid
            ?? throw new BenchException($"lab {lab.Name}: node {name} has no running plexus-agent"))];
    }
}
