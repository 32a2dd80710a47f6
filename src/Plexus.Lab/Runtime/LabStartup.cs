using System.Diagnostics;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Agents;
using Plexus.Lab.Topology;
using Plexus.Model;

namespace Plexus.Lab.Runtime;

/// <summary>
/// <c>plexus lab up</c>: builds the namespaces, writes the state directory, starts the supervisor unless one runs,
/// then waits until every etcd member answers, every agent is healthy, every pod has an endpoint and every probe
/// server listens. Running it again on a running lab changes nothing.
/// </summary>
public sealed class LabStartup(Action<string> progress)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Brings <paramref name="topology"/> (read from <paramref name="sourceFile"/>) up within <paramref name="timeout"/>.</summary>
    public async Task<LabInstance> UpAsync(LabTopology topology, string sourceFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lab = new LabInstance(topology);
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using (await LabLock.TakeAsync(lab.Paths, cancellationToken).ConfigureAwait(false))
        {
            Prepare(lab, sourceFile);
        }

        var phase = "starting";
        try
        {
            phase = "etcd";
            await Task.WhenAll(topology.Clusters.Select(c => WaitForEtcdAsync(lab, c, clock, deadline.Token))).ConfigureAwait(false);
            phase = "agents";
            await Task.WhenAll(lab.Nodes.Select(n => WaitForAgentAsync(lab, n, clock, deadline.Token))).ConfigureAwait(false);
            phase = "endpoints";
            await Task.WhenAll(topology.Pods.Select(p => RequestEndpointAsync(lab, p, timeout - clock.Elapsed, clock, deadline.Token))).ConfigureAwait(false);
            phase = "probe servers";
            await Task.WhenAll(LabServices.Plan(lab).Where(s => s.Kind == LabServiceKind.Probe).Select(s => WaitForProbeAsync(lab, s, deadline.Token))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LabException($"lab {lab.Name}: {phase} not ready within {timeout.TotalSeconds:0} s; logs in {lab.Paths.Logs}; the supervisor's last words:\n{Tail(lab.Paths.SupervisorLog)}");
        }

        progress($"lab {lab.Name} is up ({clock.Elapsed.TotalSeconds:0.0} s)");
        return lab;
    }

    private void Prepare(LabInstance lab, string sourceFile)
    {
        var paths = lab.Paths;
        if (LabInstance.TryLoad(lab.Name) is { } running && LabFingerprint.Of(running.Topology) != LabFingerprint.Of(lab.Topology))
        {
            var from = LabState.Read(paths.StateFile)?.File ?? paths.Topology;
            throw new LabException($"lab {lab.Name} is already up with another topology (from {from}); run 'plexus lab down {lab.Name}' first");
        }

        var existed = NetNs.Exists(lab.FabricNetns);
        LabNetwork.Create(lab.Topology);
        progress(existed ? $"network of lab {lab.Name} is in place" : $"created the network of lab {lab.Name} ({LabNames.All(lab.Topology).Count} namespaces)");
        Directory.CreateDirectory(paths.Logs);
        if (!File.Exists(paths.Topology))
        {
            File.Copy(sourceFile, paths.Topology);
        }

        LabState.Of(lab, Path.GetFullPath(sourceFile)).Write(paths.StateFile);
        if (SupervisorProcess.Find(lab.Name) is [var pid, ..])
        {
            progress($"supervisor running (pid {pid})");
        }
        else
        {
            pid = SupervisorProcess.StartDetached(lab);
            progress($"started the supervisor (pid {pid}); logs in {paths.Logs}");
        }
    }

    private async Task WaitForEtcdAsync(LabInstance lab, LabCluster cluster, Stopwatch clock, CancellationToken cancellationToken)
    {
        var endpoint = $"{LabNames.FabricGateway(cluster)}:{LabInstance.EtcdClientPort}";
        using var http = NetnsSockets.HttpClient(lab.FabricNetns, TimeSpan.FromSeconds(2));
        await UntilAsync(lab, async () =>
        {
            try
            {
                var health = await http.GetStringAsync(new Uri($"http://{endpoint}/health"), cancellationToken).ConfigureAwait(false);
                return health.Contains("\"health\":\"true\"", StringComparison.Ordinal);
            }
            catch (Exception e) when (e is HttpRequestException or NamespaceException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
        progress($"etcd {cluster.Name} answers at {endpoint} ({clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private async Task WaitForAgentAsync(LabInstance lab, LabNode node, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var client = new AgentClient(node.Socket, TimeSpan.FromSeconds(2));
        await UntilAsync(lab, async () =>
        {
            try
            {
                return (await client.HealthAsync(cancellationToken).ConfigureAwait(false)).Code == 200;
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
        progress($"agent {node.FullName} is healthy ({clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private async Task RequestEndpointAsync(LabInstance lab, LabPod pod, TimeSpan timeout, Stopwatch clock, CancellationToken cancellationToken)
    {
        var endpoint = await LabEndpoints.EnsureAsync(lab, pod, timeout, cancellationToken).ConfigureAwait(false);
        progress($"pod {pod.FullName} on {pod.Cluster}/{pod.Node}: {endpoint.Ip}, identity {endpoint.Identity} ({clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private static async Task WaitForProbeAsync(LabInstance lab, LabService service, CancellationToken cancellationToken) =>
        await UntilAsync(lab, () => Task.FromResult(
            ProcessTable.Find(service.Netns, service.Command) is { } pid && ListeningPorts.Of(pid).IsSupersetOf(service.Ports ?? [])), cancellationToken).ConfigureAwait(false);

    private static string Tail(string file)
    {
        try
        {
            return string.Join('\n', File.ReadLines(file).TakeLast(8));
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    // Polls until the condition holds; fails early when the supervisor is gone, since nothing would ever start.
    private static async Task UntilAsync(LabInstance lab, Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        for (var attempt = 1; !await condition().ConfigureAwait(false); attempt++)
        {
            if (attempt % 20 == 0 && SupervisorProcess.Find(lab.Name).Count == 0)
            {
                throw new LabException($"the supervisor of lab {lab.Name} is not running; its log {lab.Paths.SupervisorLog} ends:\n{Tail(lab.Paths.SupervisorLog)}");
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }
}
