using System.Diagnostics;
using Plexus.Lab.Processes;

namespace Plexus.Lab.Runtime;

/// <summary>
/// Probes every served port of every pod and external host from every pod of a lab (<c>plexus-probe connect</c>
/// inside the source pod's namespace), a few at a time. A pod does not probe itself.
/// </summary>
public static class ConnectivityMatrix
{
    /// <summary>One probe: from a pod to a target's port, and whether it connected.</summary>
    public sealed record Probe(string From, string To, string Address, int Port, string Protocol, bool Connected)
    {
        /// <summary><c>to:port/proto</c>.</summary>
        public string Column => $"{To}:{Port}/{Protocol}";
    }

    /// <summary>Runs the whole matrix on a lab whose pods all have addresses.</summary>
    public static async Task<IReadOnlyList<Probe>> RunAsync(LabInstance lab, LabStatus status, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var probe = Binaries.FindPlexus("plexus-probe") ?? throw new LabException("bin/plexus-probe not found: run ./build.sh build");
        var targets = new List<(string Name, string Address, int Port, string Protocol)>();
        foreach (var pod in lab.Topology.Pods)
        {
            var ip = status.Pods.First(p => p.Namespace == pod.Namespace && p.Name == pod.Name).Ip
                ?? throw new LabException($"pod {pod.FullName} has no address yet");
            targets.AddRange(pod.Serve.Select(s => (pod.FullName, ip, s.Port, s.Protocol)));
        }

        foreach (var external in lab.Topology.Externals)
        {
            targets.AddRange(external.Serve.Select(s => ($"ext/{external.Name}", external.Address.ToString(), s.Port, s.Protocol)));
        }

        var work = (from source in lab.Topology.Pods
                    from target in targets
                    where target.Name != source.FullName
                    select (Source: source, Target: target)).ToList();
        using var gate = new SemaphoreSlim(4);
        var probes = await Task.WhenAll(work.Select(async w =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var info = NetnsCommand.StartInfo(lab.Netns(w.Source),
                    [probe, "connect", $"{w.Target.Address}:{w.Target.Port}", "--protocol", w.Target.Protocol, "--timeout", $"{timeout.TotalMilliseconds:0}ms"]);
                info.RedirectStandardOutput = true;
                info.RedirectStandardError = true;
                using var process = Process.Start(info)!;
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                return new Probe(w.Source.FullName, w.Target.Name, w.Target.Address, w.Target.Port, w.Target.Protocol, process.ExitCode == 0);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        return probes;
    }
}
