using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Plexus.Interop.Namespaces;

namespace Plexus.Cli.Bench;

/// <summary>
/// Pod created on the server's node → first TCP connect+reply from the client pod on the other node. Each round
/// creates its pods one after the other (50, <c>--quick</c> 15): the clock starts before the pod's namespace is made,
/// a listener opens inside it, <see cref="BenchPods.PlumbAsync"/> connects it (the agent API on the Plexus side, static
/// plumbing on the baseline), and the client polls until a connection gets the pod's reply. The pods are removed at the
/// end of the round, also when it fails. Figures: p50 and p99 of create→connect over a round's 50 pods, paired like
/// the other scenarios (the ratio is the median of the pairs' ratios; see <see cref="Steps"/>). The breakdown (p50 of the
/// create call alone and of what follows it, the client node learning the pod), the p99 over every measured pod of a side
/// and how many pods a first attempt did not reach are printed at the end, not reported as figures.
/// </summary>
public sealed class PropagationScenario : BenchScenario
{
    private const int Port = 7100;
    private const int FullPods = 50;
    private const int QuickPods = 15;

    // Rounds of pods made on each side before the measured repetitions and left out. A freshly started agent takes a
    // while to reach its steady create time: the JIT runs a method unoptimised for its first 30 calls, then
    // instrumented (slower still) for 30 more, then optimised with the profile. Measured in rounds of 40 pods: p50 36,
    // 32, 28 ms, then 18-22 ms from the fourth round on; with 10 pods of warm-up, the first repetitions of 50 read 30
    // and 24 ms, the next three 14-16. So the Plexus side makes at least WarmUpMinRounds rounds of WarmUpPods (past
    // both JIT stages) and goes on until a round's p50 is within WarmUpTolerance of the one before, at most
    // WarmUpMaxRounds. The baseline has no agent, but the bench process's own code (the static plumbing, only the
    // baseline's) goes through the same JIT stages: with one round of warm-up, the baseline's slow pods (11-20 ms
    // against a p50 of 5) fell mostly in its first three measured rounds, and its pooled p99 read 8.4 to 15.8 ms. It
    // makes at least BaselineWarmUpRounds rounds (80 pods, past both stages), by the same rule.
    private const int WarmUpPods = 20;
    private const int WarmUpMinRounds = 6;
    private const int WarmUpMaxRounds = 10;
    private const int BaselineWarmUpRounds = 4;
    private const double WarmUpTolerance = 0.1;

    // A new attempt every 2 ms, each given 50 ms: a SYN the datapath drops is never retransmitted in time (1 s), so
    // the resolution is the attempt interval, and at most 25 attempts are in flight. With 10 ms, a pod whose first
    // attempt failed (about 1 % of the baseline's, a few % of Plexus's) read 10 ms late: the pooled p99s of either side,
    // the fourth slowest of 375 pods, fell on such pods or not, and the baseline's read 9.4, 13.2 and 16.4 ms in three
    // runs.
    private static readonly TimeSpan AttemptInterval = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(10);
    private const double SettleBusy = 5;
    private static readonly TimeSpan SettleWindow = TimeSpan.FromMilliseconds(250);
    private const long NoGcBytes = 64L << 20;
    // Per side: each round's breakdown (p50 of the create call and of call→connect), every measured pod's time, and
    // how many measured pods the first attempt did not reach.
    private readonly Dictionary<string, Side> _sides = [];
    private int _created;

    /// <inheritdoc/>
    public override string Name => "propagation";

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } = [new("create to connect p50", "ms"), new("create to connect p99", "ms")];

    /// <summary>
    /// A full run measures three pairs of rounds of 50 pods per repetition (15 pairs, 750 pods per side): the pairs'
    /// ratios scatter by the host's drift (sd of a pair's p50 ratio ~20 %), so more pairs, each close in time, narrow the
    /// median. A round's p99 lies between its two slowest pods. The p99 over every pod of a side (pooled), reported
    /// before, was less repeatable: the baseline's pods take ~5 ms but 1-2 % of them 10-20 ms (the host's hiccups), and
    /// its fourth slowest of 375 fell on one side of that gap or the other (baseline p99 8.4 to 15.8 ms between runs; the
    /// pooled ratio read 1.24 to 2.32 in five runs, the median of the pairs' ratios 2.49 to 2.83 on the same pods).
    /// </summary>
    protected override IReadOnlyList<BenchStep> Steps(BenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [new(Metrics, (bed, ct) => MeasureAsync(bed, settings, ct), Times: PairsPerRepetition(settings))];
    }

    /// <summary>How many pairs of rounds a repetition measures (3 in a full run, 1 with <c>--quick</c>).</summary>
    public static int PairsPerRepetition(BenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Quick ? 1 : 3;
    }

    /// <summary>How many pods a round (one side's half of a pair) creates.</summary>
    public static int PodsPerRound(BenchSettings settings) => settings.Quick ? QuickPods : FullPods;

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plexus);
        // What the scenario before left behind (10,000 Services installed, their records written) settles first, as
        // between repetitions: in one full run the first two repetitions' p99 read 146 and 207 ms, the next three 33-35.
        await SettleAsync(cancellationToken).ConfigureAwait(false);
        await WarmUpAsync(plexus, WarmUpMinRounds, WarmUpMaxRounds, progress, cancellationToken).ConfigureAwait(false);
        await WarmUpAsync(baseline, BaselineWarmUpRounds, WarmUpMaxRounds, progress, cancellationToken).ConfigureAwait(false);

        var results = await base.RunAsync(plexus, baseline, settings, progress, cancellationToken).ConfigureAwait(false);
        foreach (var (name, side) in _sides)
        {
            progress($"propagation {name}: create call p50 {Ms(BenchResult.Median([.. side.Parts.Select(p => p.Call)]))} ms, " +
                $"then {Ms(BenchResult.Median([.. side.Parts.Select(p => p.After)]))} ms to the first connection (medians over the rounds); " +
                $"p99 over all {side.Pods.Count.ToString(CultureInfo.InvariantCulture)} pods {Ms(BenchResult.Percentile(side.Pods, 99))} ms; " +
                $"{side.Retried.ToString(CultureInfo.InvariantCulture)} pods took more than one attempt");
        }

        return results;
    }

    /// <inheritdoc/>
    public override Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) => Task.FromResult<BenchProcess?>(null);

    private async Task WarmUpAsync(BenchBed bed, int minRounds, int maxRounds, Action<string> progress, CancellationToken cancellationToken)
    {
        double? previous = null;
        for (var round = 1; round <= maxRounds; round++)
        {
            var p50 = BenchResult.Percentile([.. (await RoundAsync(bed, WarmUpPods, cancellationToken).ConfigureAwait(false)).Select(p => p.Connected)], 50);
            progress($"propagation warm-up {bed.Name} {round.ToString(CultureInfo.InvariantCulture)}: {WarmUpPods.ToString(CultureInfo.InvariantCulture)} pods, create to connect p50 {Ms(p50)} ms (not reported)");
            if (round >= minRounds && (previous is not { } before || Math.Abs(p50 - before) <= WarmUpTolerance * before))
            {
                return;
            }

            previous = p50;
        }
    }

    /// <inheritdoc/>
    public override async Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken)
    {
        var pods = await RoundAsync(bed, PodsPerRound(settings), cancellationToken).ConfigureAwait(false);
        if (!_sides.TryGetValue(bed.Name, out var side))
        {
            _sides[bed.Name] = side = new Side();
        }

        List<double> connected = [.. pods.Select(p => p.Connected)];
        side.Parts.Add((BenchResult.Percentile([.. pods.Select(p => p.Call)], 50), BenchResult.Percentile([.. pods.Select(p => p.Connected - p.Call)], 50)));
        side.Pods.AddRange(connected);
        side.Retried += pods.Count(p => p.Attempts > 1);
        return [BenchResult.Percentile(connected, 50), BenchResult.Percentile(connected, 99)];
    }

    // Creates pods one after the other on the side's server node, times each from creation to the first connection,
    // removes them (also on failure) and lets the side settle.
    private async Task<List<PodTiming>> RoundAsync(BenchBed bed, int pods, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        var timings = new List<PodTiming>();
        try
        {
            using var client = NetNs.Open(bed.ClientNetns);
            // The bench process collects no garbage while it times pods: a collection (2-7 ms, a few per run) landed on
            // single pods of either side and made a good part of their tails. A round allocates a few MiB.
            var noGc = GC.TryStartNoGCRegion(NoGcBytes);
            try
            {
                for (var i = 0; i < pods; i++)
                {
                    var pod = $"prop-{(++_created).ToString(CultureInfo.InvariantCulture)}";
                    created.Add(pod);
                    timings.Add(await MeasurePodAsync(bed, client, pod, cancellationToken).ConfigureAwait(false));
                }
            }
            finally
            {
                if (noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
                {
                    GC.EndNoGCRegion();
                }
            }
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            // Best effort before the failure propagates; on Ctrl-C the side's teardown removes the pods instead.
            await RemoveAsync(bed, created).ConfigureAwait(false);
            throw;
        }

        if (await RemoveAsync(bed, created).ConfigureAwait(false) is [var first, ..] failures)
        {
            throw new BenchException($"{bed.Name}: {failures.Count.ToString(CultureInfo.InvariantCulture)} of {created.Count.ToString(CultureInfo.InvariantCulture)} pods could not be removed; first: {first}");
        }

        await SettleAsync(cancellationToken).ConfigureAwait(false);
        return timings;
    }

    // The removals leave work behind: the agents forget the pods (store watches on both nodes), etcd writes, and the
    // kernel destroys their namespaces in its workqueues. The next round, of either side, starts once the whole
    // machine is quiet (under 5 % of its cores over 250 ms), not during that work. A fixed second of agent quiet and
    // another of delay took 2 of the 2.5 s a round of 25 pods took; the scenario now measures 750 pods per side in
    // 1 min 3-5 s, where 375 took 1 min 28-45 s.
    private static async Task SettleAsync(CancellationToken cancellationToken) =>
        await MachineUsage.WaitQuietAsync(SettleBusy, SettleWindow, SettleTimeout, cancellationToken).ConfigureAwait(false);

    private static string Ms(double value) => BenchResult.Format(value);

    private static async Task<PodTiming> MeasurePodAsync(BenchBed bed, NetNsHandle client, string pod, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var netns = bed.Pods.Netns(pod);
        NetNs.Create(netns);
        using var listener = PodListener.Open(netns, Port, Encoding.ASCII.GetBytes($"bench/{pod}"));
        var address = await bed.Pods.PlumbAsync(pod, Port, cancellationToken).ConfigureAwait(false);
        var plumbed = clock.Elapsed;
        var target = new IPEndPoint(address, Port);
        if (await FirstReplyAsync(client, target, clock, cancellationToken).ConfigureAwait(false) is not { } attempts)
        {
            throw new BenchException($"{bed.Name}: pod bench/{pod} ({address}) did not answer the client within {ReachTimeout.TotalSeconds:0} s of its creation");
        }

        return new PodTiming(plumbed.TotalMilliseconds, clock.Elapsed.TotalMilliseconds, attempts);
    }

    // Starts an attempt every AttemptInterval until one gets the reply or ReachTimeout passes; waits for the
    // attempts still in flight before returning, so no socket outlives the measurement. Returns how many attempts were
    // started up to the one that got the reply (null: none did).
    private static async Task<int?> FirstReplyAsync(NetNsHandle client, IPEndPoint target, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task<bool>>();
        var numbers = new Dictionary<Task<bool>, int>();
        try
        {
            while (clock.Elapsed < ReachTimeout)
            {
                var started = PodConnect.AttemptAsync(client, target, stop.Token);
                inFlight.Add(started);
                numbers[started] = numbers.Count + 1;
                var tick = Task.Delay(AttemptInterval, cancellationToken);
                while (true)
                {
                    var done = await Task.WhenAny([tick, .. inFlight]).ConfigureAwait(false);
                    if (done == tick)
                    {
                        await tick.ConfigureAwait(false); // throws when cancelled
                        break;
                    }

                    var attempt = (Task<bool>)done;
                    inFlight.Remove(attempt);
                    if (await attempt.ConfigureAwait(false))
                    {
                        return numbers[attempt];
                    }
                }
            }

            return null;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
    }

    // Removes the round's pods within RemoveTimeout; returns what failed (the side's teardown removes those).
    private static async Task<List<string>> RemoveAsync(BenchBed bed, IReadOnlyList<string> pods)
    {
        using var limit = new CancellationTokenSource(RemoveTimeout);
        var failures = new List<string>();
        foreach (var pod in pods)
        {
            try
            {
                await bed.Pods.RemoveAsync(pod, limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BenchException or OperationCanceledException or NamespaceException)
            {
                failures.Add($"{pod}: {(limit.IsCancellationRequested ? $"not removed within {RemoveTimeout.TotalSeconds:0} s" : e.Message)}");
            }
        }

        return failures;
    }

    // One measured pod: the create call and the first reply, in ms from the start of its creation, and the attempts
    // started until the one that got the reply.
    private readonly record struct PodTiming(double Call, double Connected, int Attempts);

    private sealed class Side
    {
        public List<(double Call, double After)> Parts { get; } = [];

        public List<double> Pods { get; } = [];

        public int Retried { get; set; }
    }
}
