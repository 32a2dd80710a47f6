using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Plexus.Interop.Namespaces;

namespace Plexus.Cli.Bench;

/// <summary>
/// New-connection rate through a ClusterIP as the number of services grows: 1, then 1,000, then 10,000 services
/// (<c>--quick</c>: 1 and 1,000) on both sides (Plexus: <c>plexus apply</c> of generated Services, programmed by the agents into BPF hash maps; baseline:
/// kube-proxy's iptables rules, evaluated in sequence). At each count the client connects to the VIP of the service
/// installed last (the last rule iptables tries) with the <c>connrate</c> tool; the server pod is the only backend.
/// Figures: the rate per count with its ratio to iptables, and the rate at the last count ÷ the rate at 1 on each side
/// (flatness: 1.0 means the number of services costs nothing).
/// </summary>
public sealed class ServicesScenario : BenchScenario
{
    private const int ServerPort = 7200;
    private static readonly int[] FullCounts = [1, 1_000, 10_000];

    // --quick stops at 1,000: installing 10,000 Services through the control plane takes over three minutes, more than
    // the quick suite's budget for this scenario (docs/benchmarks.md, "Services").
    private static readonly int[] QuickCounts = [1, 1_000];
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan AttemptInterval = TimeSpan.FromMilliseconds(100);
    private static readonly (int First, int Last) DefaultPorts = (32768, 60999);

    // Per count at most seven repetitions of 3 s per side (--quick: the sampled 5 x 2 s): the time three of 8 s took,
    // in more samples. Three 8 s samples per count let the 1-service ratio move by 13 % between two full runs.
    private const int MaxRepetitions = 7;
    private static readonly TimeSpan SampleDuration = TimeSpan.FromSeconds(3);

    // Each count gets its own slice of the client's ephemeral ports (net.ipv4.ip_local_port_range of the client pod):
    // the client reuses its ports within seconds, and a connection to the new VIP from a port last used towards the old
    // VIP would reach the server pod with the 4-tuple of a connection it still holds in TIME_WAIT (60 s), but with the
    // timestamps and sequence numbers of another destination (Linux derives both from the address connected to). The
    // server then rejects the SYN until a retransmission a second later, and a share of the connections would measure
    // that second instead of the services. Separate port slices keep every count's tuples apart.
    private const int FirstPort = 10_000;
    private const int LastPort = 60_999;
    private const int Slices = 3;

    /// <inheritdoc/>
    public override string Name => "services";

    /// <summary>The figures of the full suite; <c>--quick</c> reports those of <see cref="QuickCounts"/>.</summary>
    public override IReadOnlyList<BenchMetric> Metrics { get; } = MetricsFor(FullCounts);

    /// <summary>The service counts measured with <paramref name="settings"/>, in order.</summary>
    public static IReadOnlyList<int> CountsFor(BenchSettings settings) => settings.Quick ? QuickCounts : FullCounts;

    /// <summary>One rate per count (<c>tcp connections via VIP, 1,000 services</c>, 1/s), then the last count's rate ÷ the first's.</summary>
    public static IReadOnlyList<BenchMetric> MetricsFor(IReadOnlyList<int> counts) =>
    [
        .. counts.Select(c => new BenchMetric($"tcp connections via VIP, {Services(c)}", "1/s")),
        new($"rate at {Services(counts[^1])} / at {Services(counts[0])}", "ratio"),
    ];

    /// <inheritdoc/>
    public override Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) =>
        ConnRateScenario.StartServerAsync(bed, ServerPort, cancellationToken);

    /// <summary>The connection rate to the VIP of the service <paramref name="bed"/> installed last.</summary>
    public override async Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken) =>
        [await ConnRateScenario.RateAsync(bed, Target(bed), settings, cancellationToken).ConfigureAwait(false)];

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        BenchBed[] beds = [plexus, baseline];
        ArgumentNullException.ThrowIfNull(settings);
        var sampled = settings.Sampled();
        settings = sampled with
        {
            Repetitions = Math.Min(sampled.Repetitions, MaxRepetitions),
            Duration = settings.Quick ? sampled.Duration : TimeSpan.FromSeconds(Math.Max(SampleDuration.TotalSeconds, sampled.Duration.TotalSeconds)),
        };
        var counts = CountsFor(settings);
        var metrics = MetricsFor(counts);
        var servers = await StartServersAsync(beds, cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new List<BenchResult>();
            for (var i = 0; i < counts.Count; i++)
            {
                foreach (var bed in beds)
                {
                    SetClientPorts(bed, ClientPorts(i));
                    await InstallAsync(bed, counts[i], progress, cancellationToken).ConfigureAwait(false);
                }

                var samples = await RepeatAsync(beds, [metrics[i]], $"{Name} {counts[i].ToString("N0", CultureInfo.InvariantCulture)}", settings, progress, cancellationToken)
                    .ConfigureAwait(false);
                var result = Result(metrics[i], samples, plexus, baseline, 0);
                progress($"{Name} {Services(counts[i])}: plexus {BenchResult.Format(result.Plexus)}/s, iptables {BenchResult.Format(result.Baseline)}/s, ratio {BenchResult.FormatRatio(result.Ratio)}");
                results.Add(result);
            }

            var flatness = metrics[^1];
            results.Add(new BenchResult(Name, flatness.Name, flatness.Unit, results[^1].Plexus / results[0].Plexus, results[^1].Baseline / results[0].Baseline));
            return results;
        }
        finally
        {
            await StopAsync(servers).ConfigureAwait(false);
            foreach (var bed in beds)
            {
                SetClientPorts(bed, DefaultPorts);
            }
        }
    }

    /// <summary>The client's ephemeral ports while count <paramref name="step"/> is measured: an equal slice of 10000–60999.</summary>
    public static (int First, int Last) ClientPorts(int step)
    {
        var width = (LastPort - FirstPort + 1) / Slices;
        return (FirstPort + (step * width), FirstPort + ((step + 1) * width) - 1);
    }

    private static void SetClientPorts(BenchBed bed, (int First, int Last) ports)
    {
        using var client = NetNs.Open(bed.ClientNetns);
        NetNs.Run(client, () => Sysctl.Write("net.ipv4.ip_local_port_range", string.Create(CultureInfo.InvariantCulture, $"{ports.First} {ports.Last}")));
    }

    // Installs services up to count on one side and waits until the last one's VIP answers from the client pod.
    private async Task InstallAsync(BenchBed bed, int count, Action<string> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await bed.Services.InstallAsync(count, ServerPort, line => progress($"{Name} {line}"), cancellationToken).ConfigureAwait(false);
        var installed = clock.Elapsed;
        var target = Target(bed);
        if (!await AnswersAsync(bed.ClientNetns, target, cancellationToken).ConfigureAwait(false))
        {
            throw new BenchException($"{bed.Name}: {target} ({BenchServices.Name(count)}) did not answer within {AnswerTimeout.TotalSeconds:0} s of installing {Services(count)}");
        }

        progress($"{Name} {bed.Name}: {Services(count)} installed in {Elapsed(installed)}, {target} answered after {Elapsed(clock.Elapsed)}");
    }

    private static IPEndPoint Target(BenchBed bed) => new(BenchServices.Vip(bed.Services.Count), BenchServices.Port);

    // Polls target from the client pod until a 1-byte transaction with the connrate server succeeds.
    private static async Task<bool> AnswersAsync(string clientNetns, IPEndPoint target, CancellationToken cancellationToken)
    {
        using var client = NetNs.Open(clientNetns);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < AnswerTimeout)
        {
            if (await TransactAsync(client, target, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            await Task.Delay(AttemptInterval, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private static async Task<bool> TransactAsync(NetNsHandle client, IPEndPoint target, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await NetNs.RunAsync(client, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, cancellationToken)
                .ConfigureAwait(false);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(AttemptTimeout);
            await socket.ConnectAsync(target, limit.Token).ConfigureAwait(false);
            var buffer = new byte[] { 1 };
            await socket.SendAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false);
            return await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false) == 1;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string Services(int count) => $"{count.ToString("N0", CultureInfo.InvariantCulture)} service{(count == 1 ? "" : "s")}";

    private static string Elapsed(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
