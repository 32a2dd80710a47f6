using System.Diagnostics;
using System.Globalization;
using System.Text;
using Plexus.Lab.Agents;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>
/// Plexus's services, installed through the product path: a generated manifest of ClusterIP Services (explicit
/// <c>spec.clusterIP</c>, selector <c>role: server</c> in namespace <c>bench</c>) given to one <c>plexus apply -f</c>,
/// which stores them in the lab's etcd; every agent's service controller then claims the addresses, resolves the server
/// pod as the backend and programs its datapath. An install is done when every agent lists every service as a
/// frontend with a backend (<c>GET /v1/services</c>).
/// </summary>
public sealed class PlexusServices(LabInstance lab) : BenchServices
{
    /// <summary>The namespace of the services (and of the bench pods).</summary>
    public const string Namespace = "bench";

    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromMinutes(10);
    // How long the agents get to program what one apply added, counted from the apply's end: the whole scenario's
    // budget in the full suite.
    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ProgramPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgramReport = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AgentCallTimeout = TimeSpan.FromSeconds(30);

    // After programming, the agents still write every Service's resolved record to etcd; measuring meanwhile measures
    // that work competing for the two cores (the first repetition after 10,000 Services ran at half the rate). An
    // install ends when every agent used less than QuietCpu of a core over QuietWindow, or after QuietTimeout.
    private const double QuietCpu = 10;
    private static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan QuietTimeout = TimeSpan.FromMinutes(2);

    /// <inheritdoc/>
    public override async Task InstallAsync(int count, int targetPort, Action<string> progress, CancellationToken cancellationToken)
    {
        var first = Count + 1;
        if (count < first)
        {
            return;
        }

        var file = Path.Combine(Path.GetTempPath(), $"plexus-{lab.Name}-services-{first.ToString(CultureInfo.InvariantCulture)}-{count.ToString(CultureInfo.InvariantCulture)}.yaml");
        var manifest = Manifest(first, count, targetPort);
        await File.WriteAllTextAsync(file, manifest, cancellationToken).ConfigureAwait(false);
        try
        {
            var plexus = Binaries.FindPlexus("plexus") ?? throw new BenchException("bin/plexus not found: run ./build.sh build");
            var info = new ProcessStartInfo(plexus) { UseShellExecute = false };
            foreach (var arg in (string[])["apply", "--lab", lab.Name, "-f", file])
            {
                info.ArgumentList.Add(arg);
            }

            var total = count - first + 1;
            var step = Math.Max(1, total / 5);
            var applied = 0;
            var clock = Stopwatch.StartNew();
            progress($"plexus: plexus apply -f of {total.ToString("N0", CultureInfo.InvariantCulture)} services ({Name(first)}…{Name(count)}, {(manifest.Length / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} MiB)");
            await BenchProcess.RunAsync(info, $"plexus apply -f {file}", ApplyTimeout, line =>
            {
                if (++applied % step == 0 && applied < total)
                {
                    progress($"plexus: {applied.ToString("N0", CultureInfo.InvariantCulture)}/{total.ToString("N0", CultureInfo.InvariantCulture)} applied, {Seconds(clock.Elapsed)}");
                }
            }, cancellationToken).ConfigureAwait(false);
            progress($"plexus: plexus apply of {total.ToString("N0", CultureInfo.InvariantCulture)} services took {Seconds(clock.Elapsed)}");
            var appliedAt = clock.Elapsed;
            foreach (var node in lab.Nodes)
            {
                await WaitProgrammedAsync(node, count, appliedAt, clock, progress, cancellationToken).ConfigureAwait(false);
            }

            await WaitQuietAsync(clock, progress, cancellationToken).ConfigureAwait(false);

            Count = count;
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Polls the node's agent until it serves count frontends with a backend each, reporting every ProgramReport.
    private static async Task WaitProgrammedAsync(LabNode node, int count, TimeSpan applied, Stopwatch clock, Action<string> progress, CancellationToken cancellationToken)
    {
        using var client = new AgentClient(node.Socket, AgentCallTimeout);
        var deadline = applied + ProgramTimeout;
        var report = clock.Elapsed + ProgramReport;
        var served = 0;
        while (true)
        {
            try
            {
                var frontends = await client.ServicesAsync(cancellationToken).ConfigureAwait(false);
                served = frontends.Count(f => f?["backends"]?.AsArray().Count > 0);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Busy or restarting: the deadline decides.
            }

            var text = $"agent {node.FullName} serves {served.ToString("N0", CultureInfo.InvariantCulture)} of {count.ToString("N0", CultureInfo.InvariantCulture)} services after {Seconds(clock.Elapsed)}";
            if (served >= count)
            {
                progress($"plexus: {text}");
                return;
            }

            if (clock.Elapsed > deadline)
            {
                throw new BenchException($"{text}, {ProgramTimeout.TotalMinutes:0} min after the apply returned: installing services is too slow for the bench (docs/benchmarks.md, \"Services\")");
            }

            if (clock.Elapsed > report)
            {
                progress($"plexus: {text}");
                report += ProgramReport;
            }

            await Task.Delay(ProgramPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    // Waits until every agent is (nearly) idle, bounded by QuietTimeout; reports how long it took.
    private async Task WaitQuietAsync(Stopwatch clock, Action<string> progress, CancellationToken cancellationToken)
    {
        var status = await LabStatus.CollectAsync(lab, cancellationToken).ConfigureAwait(false);
        var pids = status.Nodes.Select(n => n.AgentPid).OfType<int>().ToList();
        var (quiet, usage) = await AgentUsage.WaitQuietAsync(pids, QuietCpu, QuietWindow, QuietTimeout, cancellationToken).ConfigureAwait(false);
        if (quiet)
        {
            progress($"plexus: agents idle after {Seconds(clock.Elapsed)}");
            return;
        }

        var busy = string.Join(", ", usage.Select(u => u.CpuPercent.ToString("0", CultureInfo.InvariantCulture) + "%"));
        progress($"plexus: agents still busy ({busy} of a core) {QuietTimeout.TotalMinutes:0} min after programming; measuring anyway");
    }

    /// <summary>The Services <paramref name="first"/> … <paramref name="last"/> as one multi-document YAML manifest.</summary>
    public static string Manifest(int first, int last, int targetPort)
    {
        var text = new StringBuilder((last - first + 1) * 220);
        for (var i = first; i <= last; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: {{Name(i)}}, namespace: {{Namespace}}}
                spec:
                  clusterIP: {{Vip(i)}}
                  selector: {role: server}
                  ports:
                  - {name: http, protocol: TCP, port: {{Port}}, targetPort: {{targetPort}}}

                """);
        }

        return text.ToString();
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
