using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>A figure a scenario reports.</summary>
public sealed record BenchMetric(string Name, string Unit);

/// <summary>
/// A scenario: a server started once per side (if it needs one), and a client run once per repetition that yields one
/// value per metric. A scenario without <see cref="HasBaseline"/> measures the Plexus side only.
/// </summary>
public abstract class BenchScenario
{
    /// <summary>The scenario names, in the order they run.</summary>
    public static IReadOnlyList<string> Names { get; } = ["throughput", "latency", "connrate", "services", "propagation", "agent", "policy", "flows"];

    /// <summary>The name used by <c>--scenario</c> and in the report.</summary>
    public abstract string Name { get; }

    /// <summary>The figures, in the order <see cref="MeasureAsync"/> returns them.</summary>
    public abstract IReadOnlyList<BenchMetric> Metrics { get; }

    /// <summary>The scenario called <paramref name="name"/>.</summary>
    public static BenchScenario Create(string name) => name switch
    {
        "throughput" => new ThroughputScenario(),
        "latency" => new LatencyScenario(),
        "connrate" => new ConnRateScenario(),
        "services" => new ServicesScenario(),
        "propagation" => new PropagationScenario(),
        "agent" => new AgentScenario(),
        "policy" => new PolicyScenario(),
        "flows" => new FlowsScenario(),
        _ => throw new ArgumentException($"unknown scenario {name}", nameof(name)),
    };

    /// <summary>Whether the baseline has a counterpart of these figures; without one only the Plexus side is measured.</summary>
    public virtual bool HasBaseline => true;

    /// <summary>Starts the server side in <paramref name="bed"/>'s server pod; null when the scenario needs none.</summary>
    public abstract Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken);

    /// <summary>Runs the client once from <paramref name="bed"/>'s client pod.</summary>
    public abstract Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken);

    /// <summary>
    /// Measures the scenario on <paramref name="plexus"/> and, with <see cref="HasBaseline"/>, on <paramref name="baseline"/>:
    /// starts the servers, runs <see cref="Steps"/> repetition by repetition (each step on both sides back to back,
    /// alternating which side goes first), and reports the medians and the paired ratios. Scenarios that change a
    /// side's state between figures override it.
    /// </summary>
    public virtual async Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        BenchBed[] beds = HasBaseline ? [plexus, baseline] : [plexus];
        var servers = await StartServersAsync(beds, cancellationToken).ConfigureAwait(false);
        try
        {
            var samples = await RepeatAsync(beds, Steps(settings), Name, settings, progress, cancellationToken).ConfigureAwait(false);
            return [.. Metrics.Select((m, i) => Result(m, samples, plexus, HasBaseline ? baseline : null, i))];
        }
        finally
        {
            await StopAsync(servers).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The steps of one repetition, in order; their metrics, concatenated, are <see cref="Metrics"/>. By default one
    /// step measures everything with <see cref="MeasureAsync"/>.
    /// </summary>
    protected virtual IReadOnlyList<BenchStep> Steps(BenchSettings settings) => [new(Metrics, (bed, ct) => MeasureAsync(bed, settings, ct))];

    /// <summary>
    /// The reported figure of metric <paramref name="index"/> of <paramref name="metric"/>: the median per side, and
    /// (with a baseline) the paired ratio of the repetitions, and the samples themselves.
    /// </summary>
    protected BenchResult Result(BenchMetric metric, BenchSamples samples, BenchBed plexus, BenchBed? baseline, int index)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(samples);
        return baseline is null
            ? new BenchResult(Name, metric.Name, metric.Unit, samples.Median(plexus, index), null) { PlexusSamples = samples.Of(plexus, index) }
            : new BenchResult(Name, metric.Name, metric.Unit, samples.Median(plexus, index), samples.Median(baseline, index), samples.PairedRatio(plexus, baseline, index))
            {
                PlexusSamples = samples.Of(plexus, index),
                BaselineSamples = samples.Of(baseline, index),
            };
    }

    /// <summary>Starts <see cref="StartServerAsync"/> on every bed that needs one; on failure the ones started are stopped.</summary>
    protected async Task<IReadOnlyList<BenchProcess>> StartServersAsync(IReadOnlyList<BenchBed> beds, CancellationToken cancellationToken)
    {
        var servers = new List<BenchProcess>();
        try
        {
            foreach (var bed in beds)
            {
                if (await StartServerAsync(bed, cancellationToken).ConfigureAwait(false) is { } server)
                {
                    servers.Add(server);
                }
            }

            return servers;
        }
        catch
        {
            await StopAsync(servers).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills <paramref name="servers"/>.</summary>
    protected static async Task StopAsync(IReadOnlyList<BenchProcess> servers)
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <see cref="MeasureAsync"/> <see cref="BenchSettings.Repetitions"/> times per bed, alternating which bed goes
    /// first, prints each run as <paramref name="label"/> with <paramref name="metrics"/>, and returns every value.
    /// </summary>
    protected Task<BenchSamples> RepeatAsync(
        IReadOnlyList<BenchBed> beds, IReadOnlyList<BenchMetric> metrics, string label, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken) =>
        RepeatAsync(beds, [new BenchStep(metrics, (bed, ct) => MeasureAsync(bed, settings, ct))], label, settings, progress, cancellationToken);

    /// <summary>
    /// Runs <see cref="BenchSettings.Repetitions"/> repetitions of <paramref name="steps"/>: each step on every bed back
    /// to back (<see cref="BenchStep.Times"/> times), the bed that goes first alternating from step to step and from
    /// sample to sample (so drift spreads over both sides, and the two values of a pair are seconds apart). Prints each
    /// measurement as <paramref name="label"/> with its metrics, and returns every value; the steps' metrics,
    /// concatenated, index it.
    /// </summary>
    protected static async Task<BenchSamples> RepeatAsync(
        IReadOnlyList<BenchBed> beds, IReadOnlyList<BenchStep> steps, string label, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(beds);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var samples = new BenchSamples(beds, steps.Sum(s => s.Metrics.Count));
        for (var rep = 1; rep <= settings.Repetitions; rep++)
        {
            var first = 0;
            for (var s = 0; s < steps.Count; s++)
            {
                var step = steps[s];
                var total = settings.Repetitions * step.Times;
                for (var time = 0; time < step.Times; time++)
                {
                    // The step's sample number, from 1: with Times 1, the repetition.
                    var sample = ((rep - 1) * step.Times) + time + 1;
                    var order = (sample + s) % 2 == 1 ? beds : [.. beds.Reverse()];
                    foreach (var bed in order)
                    {
                        var values = await step.MeasureAsync(bed, cancellationToken).ConfigureAwait(false);
                        if (values.Length != step.Metrics.Count)
                        {
                            throw new InvalidOperationException($"{label}: a step of {step.Metrics.Count} metrics measured {values.Length} values");
                        }

                        for (var i = 0; i < values.Length; i++)
                        {
                            samples.Add(bed, first + i, values[i]);
                        }

                        var shown = step.Metrics.Select((m, i) => $"{m.Name} {BenchResult.Format(values[i])} {m.Unit}");
                        progress($"{label} {sample.ToString(CultureInfo.InvariantCulture)}/{total.ToString(CultureInfo.InvariantCulture)} {bed.Name}: {string.Join(", ", shown)}");
                    }
                }

                first += step.Metrics.Count;
            }
        }

        return samples;
    }

    /// <summary>The plexus binary the bench tools run as (<c>plexus bench connrate-client</c>, <c>pingpong-client</c>).</summary>
    protected static string PlexusBinary() => Binaries.FindPlexus("plexus") ?? "plexus";

    /// <summary>Seconds as a tool argument.</summary>
    protected static string Seconds(TimeSpan duration) => ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// iperf3 TCP pod→pod across nodes, 1 and 4 streams. With two or more cores client and server both run on CPU 0, so
/// the whole path (sender, both nodes' datapaths, receiver) shares one core and the figure is what one core moves
/// through it. Split over two cores (client on one, server on the other), the receiver's ACKs make the sender transmit
/// from both CPUs at once; the per-CPU backlogs of the veths then reorder segments, TCP retransmits spuriously
/// (700–1,700 retransmissions in 5 s) and the figure swung by ±25 % between repetitions and runs. On one core no
/// segment is reordered.
/// <para>
/// The samples are short and many. On this VM the rate of one stream wanders with the host, between ~8 and ~15 Gbit/s
/// over a few seconds, whichever side runs; a sample is one second of iperf3 in quarter-second intervals, the first
/// left out (slow start; on a veth path it is at speed already, the cut is a margin), and its figure the median of the
/// other three, so a stall of the vCPU within one interval does not decide it. One stream is measured three times per
/// repetition and four streams (which average four connections' draws) twice: 45 and 30 pairs in a full run. Pairs of
/// one-second samples scattered less (sd of log(Plexus ÷ baseline) 0.14–0.15 by hand, 0.10–0.22 in full runs) than
/// pairs of 2-second ones (0.26 by hand), as the two halves of a pair sit closer in time.
/// </para>
/// </summary>
public sealed class ThroughputScenario : BenchScenario
{
    private const int Port = 5201;

    private static readonly bool Pinned = Environment.ProcessorCount >= 2;

    // A sample's report interval; the first interval is left out of its figure.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(0.25);

    /// <summary><c>taskset -c CPU</c> with two or more cores (the same placement for Plexus and the baseline), else nothing.</summary>
    public static string[] PinTo(int cpu) => Pinned ? ["taskset", "-c", cpu.ToString(CultureInfo.InvariantCulture)] : [];

    // iperf3's own affinity option: the same CPU for client and server.
    private static string[] Affinity => Pinned ? ["-A", "0"] : [];

    /// <inheritdoc/>
    public override string Name => "throughput";

    /// <inheritdoc/>
    public override Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken) =>
        base.RunAsync(plexus, baseline, settings.SampledShort(), progress, cancellationToken);

    /// <inheritdoc/>
    protected override IReadOnlyList<BenchStep> Steps(BenchSettings settings) =>
    [
        new([Metrics[0]], async (bed, ct) => [await RunAsync(bed, 1, settings, ct).ConfigureAwait(false)], Times: 3),
        new([Metrics[1]], async (bed, ct) => [await RunAsync(bed, 4, settings, ct).ConfigureAwait(false)], Times: 2),
    ];

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } = [new("tcp 1 stream", "Gbit/s"), new("tcp 4 streams", "Gbit/s")];

    /// <inheritdoc/>
    public override async Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) =>
        await BenchProcess.StartServerAsync(bed.ServerNetns, ["iperf3", "-s", "-p", $"{Port}", .. Affinity], Port, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken) =>
        [await RunAsync(bed, 1, settings, cancellationToken).ConfigureAwait(false), await RunAsync(bed, 4, settings, cancellationToken).ConfigureAwait(false)];

    /// <summary>
    /// Gbit/s from iperf3's JSON report: the median of the intervals after the first (slow start) and not omitted, or
    /// the received average of the whole run when the report has no such intervals.
    /// </summary>
    public static double Parse(string json)
    {
        var report = JsonNode.Parse(json) ?? throw new BenchException("iperf3 printed no JSON");
        if (report["error"]?.GetValue<string>() is { } error)
        {
            throw new BenchException($"iperf3: {error}");
        }

        var intervals = (report["intervals"] as JsonArray ?? [])
            .Select(i => i?["sum"])
            .Where(sum => sum?["omitted"]?.GetValue<bool>() != true && (sum?["start"]?.GetValue<double>() ?? 0) > 0)
            .Select(sum => sum?["bits_per_second"]?.GetValue<double>())
            .OfType<double>()
            .ToList();
        if (intervals.Count > 0)
        {
            return BenchResult.Median(intervals) / 1e9;
        }

        var bits = report["end"]?["sum_received"]?["bits_per_second"]?.GetValue<double>() ?? throw new BenchException("iperf3 JSON has no end.sum_received.bits_per_second");
        return bits / 1e9;
    }

    private static async Task<double> RunAsync(BenchBed bed, int streams, BenchSettings settings, CancellationToken cancellationToken)
    {
        var output = await BenchProcess.RunAsync(bed.ClientNetns,
            ["iperf3", "-c", bed.ServerIp.ToString(), "-p", $"{Port}", "-t", Seconds(settings.Duration), "-i", Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture), "-P", $"{streams}", "-J", .. Affinity],
            settings.ToolTimeout, cancellationToken).ConfigureAwait(false);
        return Parse(output);
    }
}

/// <summary>
/// TCP ping-pong between pods across nodes, one 14-byte message at a time (<see cref="PingPong"/>): full round-trip p50
/// and p99, and transactions per second; pinned like <see cref="ThroughputScenario"/> (client CPU 0, servers CPU 1).
/// </summary>
public sealed class LatencyScenario : BenchScenario
{
    private const int Port = 11111;
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromMinutes(30);

    /// <inheritdoc/>
    public override string Name => "latency";

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } = [new("tcp rtt p50", "us"), new("tcp rtt p99", "us"), new("tcp transactions", "1/s")];

    /// <summary>
    /// The sampling: three times the repetitions of <see cref="BenchSettings.SampledShort"/>, samples as long as its
    /// (45 samples of 1 s in the full suite, 15 with <c>--quick</c>).
    /// </summary>
    public static BenchSettings Sampling(BenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sampled = settings.SampledShort();
        return sampled with { Repetitions = 3 * sampled.Repetitions };
    }

    /// <summary>
    /// One client holds a connection to each side's server and measures them in alternating 20 ms slices, half of every
    /// sample each (the side that starts alternates): a pair of figures is taken under the same host
    /// conditions, where pairs of separate sockperf runs seconds apart differed by 20 % (sd of log(Plexus ÷ baseline)
    /// 0.21–0.24) because the host's speed moves that much between them. A sample costs its second, where sockperf
    /// spent 2.2 s of fixed pauses on each run.
    /// </summary>
    public override async Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plexus);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(progress);
        BenchBed[] beds = [plexus, baseline];
        var servers = await StartServersAsync(beds, cancellationToken).ConfigureAwait(false);
        try
        {
            var sampling = Sampling(settings);
            var count = sampling.Repetitions;
            string[] argv =
            [
                .. ThroughputScenario.PinTo(0), PlexusBinary(), "bench", "pingpong-client",
                .. beds.Select(b => new NetnsEndpoint(b.ClientNetns, new IPEndPoint(b.ServerIp, Port)).ToString()),
                "--samples", count.ToString(CultureInfo.InvariantCulture), "--sample-duration", Seconds(sampling.Duration) + "s",
                "--slice", $"{Slice.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
            ];
            var samples = new BenchSamples(beds, Metrics.Count);
            var seen = 0;
            // The client opens each connection inside its side's client pod; the process itself runs in Plexus's.
            await BenchProcess.RunAsync(NetnsCommand.StartInfo(plexus.ClientNetns, argv), "pingpong-client", (count * sampling.Duration) + TimeSpan.FromSeconds(30), line =>
            {
                if (PingPong.ParseSample(line) is not { } figures)
                {
                    return;
                }

                if (figures.Count != beds.Length)
                {
                    throw new BenchException($"pingpong-client reported {figures.Count} targets for {beds.Length}: {line}");
                }

                seen++;
                for (var b = 0; b < beds.Length; b++)
                {
                    double[] values = [figures[b].P50, figures[b].P99, figures[b].PerSecond];
                    for (var m = 0; m < values.Length; m++)
                    {
                        samples.Add(beds[b], m, values[m]);
                    }

                    var shown = Metrics.Select((metric, i) => $"{metric.Name} {BenchResult.Format(values[i])} {metric.Unit}");
                    progress($"latency {seen.ToString(CultureInfo.InvariantCulture)}/{count.ToString(CultureInfo.InvariantCulture)} {beds[b].Name}: {string.Join(", ", shown)}");
                }
            }, cancellationToken).ConfigureAwait(false);
            if (seen != count)
            {
                throw new BenchException($"pingpong-client reported {seen.ToString(CultureInfo.InvariantCulture)} of {count.ToString(CultureInfo.InvariantCulture)} samples");
            }

            return [.. Metrics.Select((m, i) => Result(m, samples, plexus, baseline, i))];
        }
        finally
        {
            await StopAsync(servers).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bed);
        return await BenchProcess.StartServerAsync(bed.ServerNetns,
            [.. ThroughputScenario.PinTo(1), PlexusBinary(), "bench", "pingpong-server", "--port", $"{Port}", "--lifetime", Seconds(ServerLifetime)], Port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Not used: both sides are measured together by <see cref="RunAsync"/>.</summary>
    public override Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken) =>
        throw new NotSupportedException("latency measures both sides at once");
}

/// <summary>New TCP connections per second across nodes (connect, 1-byte exchange, close), with Plexus's own bounded tool.</summary>
public sealed class ConnRateScenario : BenchScenario
{
    private const int Port = 7000;
    private const int ClientWorkers = 4;
    private const long MaxConnections = 2_000_000;
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromMinutes(30);

    /// <inheritdoc/>
    public override string Name => "connrate";

    /// <summary>
    /// Sampled like throughput (<see cref="BenchSettings.Sampled"/>): separate runs per side, seconds apart. Measured
    /// in turns of one client (as latency is), the ratio read 0.98 with 10 ms turns, 0.975 with 50 ms and 0.95 with
    /// 500 ms, where separate runs read 0.93: the agents read flow records in batches, tens of milliseconds after the
    /// connections that made them, so short turns bill part of Plexus's work to the baseline.
    /// </summary>
    public override Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken) =>
        base.RunAsync(plexus, baseline, settings.Sampled(), progress, cancellationToken);

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } = [new("tcp connections", "1/s")];

    /// <inheritdoc/>
    public override Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) => StartServerAsync(bed, Port, cancellationToken);

    /// <inheritdoc/>
    public override async Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken) =>
        [await RateAsync(bed, new IPEndPoint(bed.ServerIp, Port), settings, cancellationToken).ConfigureAwait(false)];

    /// <summary>Starts <c>plexus bench connrate-server</c> on TCP <paramref name="port"/> in <paramref name="bed"/>'s server pod.</summary>
    public static async Task<BenchProcess?> StartServerAsync(BenchBed bed, int port, CancellationToken cancellationToken) =>
        await BenchProcess.StartServerAsync(bed.ServerNetns,
            [PlexusBinary(), "bench", "connrate-server", "--port", $"{port}", "--lifetime", Seconds(ServerLifetime)], port, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs <c>plexus bench connrate-client</c> against <paramref name="target"/> from <paramref name="bed"/>'s client pod; connections per second.</summary>
    public static async Task<double> RateAsync(BenchBed bed, IPEndPoint target, BenchSettings settings, CancellationToken cancellationToken)
    {
        var output = await BenchProcess.RunAsync(bed.ClientNetns,
            [PlexusBinary(), "bench", "connrate-client", target.ToString(), "--duration", Seconds(settings.Duration),
                "--workers", $"{ClientWorkers}", "--max", MaxConnections.ToString(CultureInfo.InvariantCulture)],
            settings.ToolTimeout, cancellationToken).ConfigureAwait(false);
        return ConnRate.ParseRate(output);
    }

}
