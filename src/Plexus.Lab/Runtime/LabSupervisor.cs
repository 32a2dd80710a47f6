using System.Globalization;
using Plexus.Interop.Namespaces;

namespace Plexus.Lab.Runtime;

/// <summary>
/// Keeps a lab's services running like systemd would (<c>plexus lab supervise NAME</c>, started detached by
/// <c>lab up</c>): every etcd member, agent and probe server is started in its namespace, or adopted when an earlier
/// supervisor left it running; one that exits is started again after <see cref="Backoff"/>, at most
/// <see cref="MaxRestartsPerMinute"/> times a minute. After an agent restarts, its pods' endpoints are asked for
/// again (idempotent). Cancelling stops every service (SIGTERM, then SIGKILL); the supervisor also ends by itself
/// when the lab's fabric namespace disappears.
/// </summary>
public sealed class LabSupervisor(LabInstance lab, TextWriter log)
{
    /// <summary>Pause between a service's exit and its restart.</summary>
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    /// <summary>Restarts allowed per service within any minute; beyond, the supervisor waits for the minute to pass.</summary>
    public const int MaxRestartsPerMinute = 10;

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan EndpointTimeout = TimeSpan.FromSeconds(60);
    private readonly Lock _logGate = new();

    /// <summary>Supervises until <paramref name="cancellationToken"/> is cancelled or the lab's namespaces are gone.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var services = LabServices.Plan(lab);
        Directory.CreateDirectory(lab.Paths.Logs);
        await File.WriteAllTextAsync(lab.Paths.SupervisorPidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", cancellationToken).ConfigureAwait(false);
        Log($"supervising lab {lab.Name}: {services.Count} services (pid {Environment.ProcessId})");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchNamespaceAsync(stop);
        await Task.WhenAll(services.Select(s => SuperviseAsync(s, stop.Token))).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await watch.ConfigureAwait(false);
        Log("all services stopped; supervisor exits");
    }

    private async Task WatchNamespaceAsync(CancellationTokenSource stop)
    {
        try
        {
            while (NetNs.Exists(lab.FabricNetns))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token).ConfigureAwait(false);
            }

            Log($"namespace {lab.FabricNetns} is gone: stopping");
            await stop.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping anyway.
        }
    }

    private async Task SuperviseAsync(LabService service, CancellationToken cancellationToken)
    {
        var restarts = new Queue<DateTime>();
        var generation = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            SupervisedProcess? process = null;
            try
            {
                process = SupervisedProcess.Adopt(service) ?? SupervisedProcess.Start(service, lab.Paths.Log(service.Id));
                Log($"{service.Title}: {(process.Started ? generation == 0 ? "started" : "restarted" : "adopted")} pid {process.Pid} in {service.Netns}");
                if (generation++ > 0 && service.Node is { } node)
                {
                    _ = RequestEndpointsAsync(node, cancellationToken);
                }

                var code = await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                Log($"{service.Title}: pid {process.Pid} exited{(code is { } c ? $" with code {c}" : "")}; see {lab.Paths.Log(service.Id)}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (process is not null)
                {
                    await process.StopAsync(StopGrace).ConfigureAwait(false);
                    Log($"{service.Title}: stopped pid {process.Pid}");
                }

                return;
            }
            catch (Exception e) when (e is LabException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                Log($"{service.Title}: could not start: {e.Message}");
            }
            finally
            {
                process?.Dispose();
            }

            if (!await PauseBeforeRestartAsync(service, restarts, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    // Waits the backoff, or until the oldest restart leaves the one-minute window when the budget is spent. False when cancelled.
    private async Task<bool> PauseBeforeRestartAsync(LabService service, Queue<DateTime> restarts, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        while (restarts.Count > 0 && now - restarts.Peek() > TimeSpan.FromMinutes(1))
        {
            restarts.Dequeue();
        }

        var delay = Backoff;
        if (restarts.Count >= MaxRestartsPerMinute)
        {
            var wait = restarts.Peek() + TimeSpan.FromMinutes(1) - now;
            delay = wait > delay ? wait : delay;
            Log($"{service.Title}: restarted {restarts.Count} times within a minute; next try in {delay.TotalSeconds:0} s");
        }

        restarts.Enqueue(now + delay);
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // A restarted agent may come back without the endpoints it had: ask for them again, as lab up did.
    private async Task RequestEndpointsAsync(LabNode node, CancellationToken cancellationToken)
    {
        foreach (var pod in lab.Topology.Pods.Where(p => p.Cluster == node.Cluster.Name && p.Node == node.Name))
        {
            try
            {
                var endpoint = await LabEndpoints.EnsureAsync(lab, pod, EndpointTimeout, cancellationToken).ConfigureAwait(false);
                Log($"agent {node.FullName}: endpoint {pod.FullName} {endpoint.Ip} identity {endpoint.Identity}");
            }
            catch (LabException e)
            {
                Log($"agent {node.FullName}: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Log(string message)
    {
        lock (_logGate)
        {
            log.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {message}");
            log.Flush();
        }
    }
}
