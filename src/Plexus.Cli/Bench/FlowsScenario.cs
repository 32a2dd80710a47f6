using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Plexus.Lab.Agents;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>
/// How many flow events an agent turns into flows without losing any, and what that costs it. The load is
/// <c>plexus-probe flood</c> from the client pod: one UDP datagram per destination port, so every datagram is a new
/// connection and one event on the server pod's node (from-overlay; the closed ports' ICMP errors add at most the
/// kernel's 1,000/s). First a ladder of paced rates finds the highest rate at which the server node's agent loses
/// nothing; then a bounded flood at full speed (200,000 datagrams, 50,000 with <c>--quick</c>) per repetition shows
/// what it processes and loses (counted by source, as <c>plexus observe</c> reports them), its CPU and peak memory, and
/// how slowly its API answered meanwhile. The kernel has no flow pipeline: no baseline.
/// </summary>
public sealed class FlowsScenario : BenchScenario
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);
    private static readonly int[] FullLadder = [5_000, 10_000, 20_000, 40_000, 80_000];
    private static readonly int[] QuickLadder = [10_000, 40_000];

    /// <inheritdoc/>
    public override string Name => "flows";

    /// <inheritdoc/>
    public override bool HasBaseline => false;

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } =
    [
        new("events without loss", "1/s"),
        new("flood datagrams sent", "1/s"),
        new("flood events processed", "1/s"),
        new("flood events lost", "events"),
        new("flood agent cpu", "% core"),
        new("flood agent rss peak", "MiB"),
        new("flood api slowest answer", "ms"),
    ];

    /// <inheritdoc/>
    public override Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) => Task.FromResult<BenchProcess?>(null);

    /// <inheritdoc/>
    public override async Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken)
    {
        var count = settings.Quick ? 50_000 : 200_000;
        var step = await StepAsync(bed, count, rate: 0, settings, cancellationToken).ConfigureAwait(false);
        return [double.NaN, step.SentRate, step.ProcessedRate, step.Lost, step.CpuPercent, step.RssPeakMiB, step.SlowestAnswerMs];
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var seconds = settings.Quick ? 1 : 2;
        var withoutLoss = 0.0;
        foreach (var rate in settings.Quick ? QuickLadder : FullLadder)
        {
            var step = await StepAsync(plexus, rate * seconds, rate, settings, cancellationToken).ConfigureAwait(false);
            var clean = step.Lost == 0 && step.Processed >= step.Sent;
            progress(string.Create(CultureInfo.InvariantCulture,
                $"flows paced {rate}/s: sent {step.Sent} at {step.SentRate:0}/s, processed {step.Processed}, lost {step.Lost}"));
            if (!clean)
            {
                break;
            }

            withoutLoss = Math.Max(withoutLoss, step.SentRate);
            if (step.SentRate < rate * 0.9)
            {
                // The sender cannot go faster through the datapath: higher rungs would measure the same.
                break;
            }
        }

        // Three floods are enough for a median; five would cost the full suite another half minute.
        var samples = await RepeatAsync([plexus], Metrics, Name, settings with { Repetitions = Math.Min(settings.Repetitions, 3) }, progress, cancellationToken).ConfigureAwait(false);
        var figures = samples.Medians(plexus);
        // A full-speed flood that lost nothing is also a rate without loss.
        figures[0] = figures[3] == 0 ? Math.Max(withoutLoss, figures[2]) : withoutLoss;
        return [.. Metrics.Select((m, i) => new BenchResult(Name, m.Name, m.Unit, figures[i], null))];
    }

    /// <summary>One flood of <paramref name="count"/> datagrams at <paramref name="rate"/> (0: full speed), measured on the server pod's node.</summary>
    private static async Task<FloodStep> StepAsync(BenchBed bed, long count, int rate, BenchSettings settings, CancellationToken cancellationToken)
    {
        var lab = bed.Lab ?? throw new BenchException($"{bed.Name} has no agents to measure");
        var server = lab.Topology.Pods.Single(p => lab.Netns(p) == bed.ServerNetns);
        var node = lab.NodeOf(server);
        var status = await LabStatus.CollectAsync(lab, cancellationToken).ConfigureAwait(false);
        var pid = status.Nodes.Single(n => n.Name == node.Name && n.Cluster == node.Cluster.Name).AgentPid
            ?? throw new BenchException($"lab {lab.Name}: node {node.FullName} has no running plexus-agent");
        using var agent = new AgentClient(node.Socket, TimeSpan.FromSeconds(10));
        var before = await CountsAsync(agent, cancellationToken).ConfigureAwait(false);
        var ticks = AgentUsage.CpuTicks(pid);
        var clock = Stopwatch.StartNew();

        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = WatchAsync(agent, pid, stopWatching.Token);
        var probe = Binaries.FindPlexus("plexus-probe") ?? throw new BenchException("bin/plexus-probe not found: run ./build.sh build");
        string output;
        try
        {
            output = await BenchProcess.RunAsync(bed.ClientNetns,
                [probe, "flood", bed.ServerIp.ToString(), "--count", count.ToString(CultureInfo.InvariantCulture), .. rate > 0 ? ["--rate", rate.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()],
                settings.ToolTimeout + TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);

            // The agent may still be draining its queue: wait until the count stops moving.
            var last = before;
            var drained = Stopwatch.StartNew();
            while (drained.Elapsed < Drain)
            {
                await Task.Delay(Poll * 3, cancellationToken).ConfigureAwait(false);
                var now = await CountsAsync(agent, cancellationToken).ConfigureAwait(false);
                if (now == last)
                {
                    break;
                }

                last = now;
            }
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
        }

        var (rssPeakKib, slowest) = await watching.ConfigureAwait(false);
        var cpu = (AgentUsage.CpuTicks(pid) - ticks) / AgentUsage.TicksPerSecond / clock.Elapsed.TotalSeconds * 100;
        var after = await CountsAsync(agent, cancellationToken).ConfigureAwait(false);
        var flood = JsonNode.Parse(output.Trim().Split('\n')[^1]) ?? throw new BenchException($"plexus-probe flood printed no JSON: {output}");
        var sent = (long)flood["sent"]!;
        var elapsed = Math.Max((long)flood["elapsedMs"]! / 1000.0, 1e-3);
        var processed = after.Added - before.Added;
        return new FloodStep(sent, sent / elapsed, processed, processed / elapsed, after.Lost - before.Lost, cpu, rssPeakKib / 1024.0, slowest.TotalMilliseconds);
    }

    /// <summary>Polls the agent's health and memory until cancelled: peak RSS (KiB) and the slowest health answer.</summary>
    private static async Task<(long RssPeakKib, TimeSpan Slowest)> WatchAsync(AgentClient agent, int pid, CancellationToken cancellationToken)
    {
        var peak = AgentUsage.RssKib(pid);
        var slowest = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            var asked = Stopwatch.StartNew();
            try
            {
                await agent.HealthAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                throw new BenchException($"agent {agent.SocketPath} did not answer during the flood: {e.Message}");
            }

            slowest = asked.Elapsed > slowest ? asked.Elapsed : slowest;
            peak = Math.Max(peak, AgentUsage.RssKib(pid));
            try
            {
                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (peak, slowest);
    }

    private static async Task<(long Added, long Lost)> CountsAsync(AgentClient agent, CancellationToken cancellationToken)
    {
        var status = await agent.FlowStatusAsync(cancellationToken).ConfigureAwait(false);
        if (status["active"]?.GetValue<bool>() != true)
        {
            throw new BenchException($"agent {agent.SocketPath} observes no flows (its datapath is not running)");
        }

        var lost = (status["lost"] as JsonArray ?? []).Sum(l => l?["num_events_lost"]?.GetValue<long>() ?? 0);
        return (status["added"]!.GetValue<long>(), lost);
    }

    private sealed record FloodStep(long Sent, double SentRate, long Processed, double ProcessedRate, long Lost, double CpuPercent, double RssPeakMiB, double SlowestAnswerMs);
}
