using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Plexus.Interop.Namespaces;

namespace Plexus.Cli.Bench;

/// <summary>
/// New-connection rate through a ClusterIP as the number of services grows: 1, then 1,000, then 10,000 services on both
/// sides (Plexus: <c>plexus apply</c> of generated Services, programmed by the agents into BPF hash maps; baseline:
/// kube-proxy's iptables rules, evaluated in sequence). At each count the client connects to the VIP of the service
/// installed last (the last rule iptables tries) with the <c>connrate</c> tool; the server pod is the only backend.
/// Figures: the rate per count with its ratio to iptables, and the rate at 10,000 ÷ the rate at 1 on each side
/// (flatness: 1.0 means the number of services costs nothing).
/// </summary>
public sealed class ServicesScenario : BenchScenario
{
    private const int ServerPort = 7200;
    private static readonly int[] Counts = [1, 1_000, 10_000];
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan AttemptInterval = TimeSpan.FromMilliseconds(100);

    // Between counts both sides rest until conntrack has forgotten the previous count's connections (both keep a closed
    // TCP connection 10 s): the client reuses its ports within seconds, and a new connection to the new VIP from a port
    // last used towards the old VIP translates to the same tuple towards the server pod as the old connection did;
    // iptables' NAT cannot map it while the old entry lives and drops the SYN.
    private static readonly TimeSpan Rest = TimeSpan.FromSeconds(IptablesServices.TimeWaitSeconds + 1);

    /// <inheritdoc/>
    public override string Name => "services";

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } =
    [
        .. Counts.Select(c => new BenchMetric($"tcp connections via VIP, {Services(c)}", "1/s")),
        new($"rate at {Services(Counts[^1])} / at {Services(Counts[0])}", "ratio"),
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
        var servers = await StartServersAsync(beds, cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new List<BenchResult>();
            Stopwatch? sinceMeasured = null;
            for (var i = 0; i < Counts.Length; i++)
            {
                foreach (var bed in beds)
                {
                    await InstallAsync(bed, Counts[i], progress, cancellationToken).ConfigureAwait(false);
                }

                if (sinceMeasured is not null && Rest - sinceMeasured.Elapsed is { Ticks: > 0 } rest)
                {
                    progress($"{Name}: resting {Elapsed(rest)} until conntrack has forgotten the previous VIP's connections");
                    await Task.Delay(rest, cancellationToken).ConfigureAwait(false);
                }

                var medians = await RepeatAsync(beds, [Metrics[i]], $"{Name} {Counts[i].ToString("N0", CultureInfo.InvariantCulture)}", settings, progress, cancellationToken)
                    .ConfigureAwait(false);
                var result = new BenchResult(Name, Metrics[i].Name, Metrics[i].Unit, medians[plexus][0], medians[baseline][0]);
                sinceMeasured = Stopwatch.StartNew();
                progress($"{Name} {Services(Counts[i])}: plexus {BenchResult.Format(result.Plexus)}/s, iptables {BenchResult.Format(result.Baseline)}/s, ratio {BenchResult.FormatRatio(result.Ratio)}");
                results.Add(result);
            }

            var flatness = Metrics[^1];
            results.Add(new BenchResult(Name, flatness.Name, flatness.Unit, results[^1].Plexus / results[0].Plexus, results[^1].Baseline / results[0].Baseline));
            return results;
        }
        finally
        {
            await StopAsync(servers).ConfigureAwait(false);
        }
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
