using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plexus.Lab.Processes;

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

/// <summary>sockperf TCP ping-pong between pods across nodes: full round-trip p50 and p99, and transactions per second; pinned like <see cref="ThroughputScenario"/> (client CPU 0, server CPU 1).</summary>
public sealed partial class LatencyScenario : BenchScenario
{
    private const int Port = 11111;

    /// <inheritdoc/>
    public override string Name => "latency";

    /// <summary>
    /// Sampled like throughput (<see cref="BenchSettings.SampledShort"/>, one-second samples), twice per repetition in a
    /// full run: one-message ping-pong follows the host's speed most of all. sockperf spends ~2 s of every run before
    /// it measures (a fixed pause after connecting) and leaves out the first 0.45 s of what it measures, so a 1 s
    /// sample costs ~3.2 s and measures 0.55 s (~10,000 round trips). Pairs of 1 s samples scatter about as much as
    /// pairs of 2 s (sd of log(Plexus ÷ baseline) 0.21–0.24), so 30 of them narrow the ratio by √2 against 15 of 2 s,
    /// in 1.5 times the time.
    /// </summary>
    public override Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken) =>
        base.RunAsync(plexus, baseline, settings.SampledShort(), progress, cancellationToken);

    /// <inheritdoc/>
    protected override IReadOnlyList<BenchStep> Steps(BenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [new(Metrics, (bed, ct) => MeasureAsync(bed, settings, ct), Times: settings.Quick ? 1 : 2)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } = [new("tcp rtt p50", "us"), new("tcp rtt p99", "us"), new("tcp transactions", "1/s")];

    /// <inheritdoc/>
    public override async Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) =>
        await BenchProcess.StartServerAsync(bed.ServerNetns, [.. ThroughputScenario.PinTo(1), "sockperf", "server", "--tcp", "-i", bed.ServerIp.ToString(), "-p", $"{Port}"], Port, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken)
    {
        var output = await BenchProcess.RunAsync(bed.ClientNetns,
            [.. ThroughputScenario.PinTo(0), "sockperf", "ping-pong", "--tcp", "-i", bed.ServerIp.ToString(), "-p", $"{Port}", "-t", Seconds(settings.Duration), "--full-rtt"],
            settings.ToolTimeout, cancellationToken).ConfigureAwait(false);
        return Parse(output);
    }

    /// <summary>p50 µs, p99 µs and transactions per second from sockperf's ping-pong summary.</summary>
    public static double[] Parse(string output)
    {
        var valid = ValidDuration().Match(output);
        if (!valid.Success)
        {
            throw new BenchException("sockperf printed no [Valid Duration] line");
        }

        var seconds = double.Parse(valid.Groups[1].Value, CultureInfo.InvariantCulture);
        var received = double.Parse(valid.Groups[2].Value, CultureInfo.InvariantCulture);
        return [Percentile(output, "50.000"), Percentile(output, "99.000"), received / seconds];
    }

    private static double Percentile(string output, string which)
    {
        var match = Regex.Match(output, $@"percentile {Regex.Escape(which)} =\s*([0-9.]+)", RegexOptions.CultureInvariant);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new BenchException($"sockperf printed no {which} percentile");
    }

    [GeneratedRegex(@"\[Valid Duration\] RunTime=([0-9.]+) sec; SentMessages=\d+; ReceivedMessages=(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ValidDuration();
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

    /// <summary>Sampled like throughput (<see cref="BenchSettings.Sampled"/>).</summary>
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
            [Plexus(), "bench", "connrate-server", "--port", $"{port}", "--lifetime", Seconds(ServerLifetime)], port, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs <c>plexus bench connrate-client</c> against <paramref name="target"/> from <paramref name="bed"/>'s client pod; connections per second.</summary>
    public static async Task<double> RateAsync(BenchBed bed, IPEndPoint target, BenchSettings settings, CancellationToken cancellationToken)
    {
        var output = await BenchProcess.RunAsync(bed.ClientNetns,
            [Plexus(), "bench", "connrate-client", target.ToString(), "--duration", Seconds(settings.Duration),
                "--workers", $"{ClientWorkers}", "--max", MaxConnections.ToString(CultureInfo.InvariantCulture)],
            settings.ToolTimeout, cancellationToken).ConfigureAwait(false);
        return ConnRate.ParseRate(output);
    }

    private static string Plexus() => Binaries.FindPlexus("plexus") ?? "plexus";
}
