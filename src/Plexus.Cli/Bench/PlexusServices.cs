using System.Diagnostics;
using System.Globalization;
using System.Text;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>
/// Plexus's services, installed through the product path: a generated manifest of ClusterIP Services (explicit
/// <c>spec.clusterIP</c>, selector <c>role: server</c> in namespace <c>bench</c>) given to one <c>plexus apply -f</c>,
/// which stores them in the lab's etcd; every agent's service controller then claims the addresses, resolves the server
/// pod as the backend and programs its datapath.
/// </summary>
public sealed class PlexusServices(LabInstance lab) : BenchServices
{
    /// <summary>The namespace of the services (and of the bench pods).</summary>
    public const string Namespace = "bench";

    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromMinutes(10);

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
            Count = count;
            progress($"plexus: plexus apply of {total.ToString("N0", CultureInfo.InvariantCulture)} services took {Seconds(clock.Elapsed)}");
        }
        finally
        {
            File.Delete(file);
        }
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
