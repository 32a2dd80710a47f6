using System.Diagnostics;
using Plexus.Interop.Posix;

namespace Plexus.Lab.Runtime;

/// <summary>
/// A running service process: one this supervisor started (its child, reaped by <see cref="Process"/>) or one it
/// adopted from an earlier supervisor (watched through /proc).
/// </summary>
internal sealed class SupervisedProcess : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly Process? _child;

    private SupervisedProcess(int pid, Process? child)
    {
        Pid = pid;
        _child = child;
    }

    /// <summary>The service's pid.</summary>
    public int Pid { get; }

    /// <summary>Whether this supervisor started the process (false: adopted).</summary>
    public bool Started => _child is not null;

    /// <summary>Starts <paramref name="service"/> with its output appended to <paramref name="logFile"/>.</summary>
    public static SupervisedProcess Start(LabService service, string logFile)
    {
        var child = Process.Start(service.StartInfo(logFile)) ?? throw new LabException($"could not start {service.Title}");
        return new SupervisedProcess(child.Id, child);
    }

    /// <summary>The process of <paramref name="service"/> already running in its namespace, if any.</summary>
    public static SupervisedProcess? Adopt(LabService service) =>
        ProcessTable.Find(service.Netns, service.Command) is { } pid ? new SupervisedProcess(pid, null) : null;

    /// <summary>Waits until the process ends; its exit code when it was our child, else null.</summary>
    public async Task<int?> WaitForExitAsync(CancellationToken cancellationToken)
    {
        if (_child is not null)
        {
            await _child.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return _child.ExitCode;
        }

        while (ProcessTable.IsAlive(Pid))
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; reaps our own child.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await ProcessTable.TerminateAsync(Pid, grace).ConfigureAwait(false);
        if (_child is not null && !_child.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            Signals.Send(Pid, Signals.SigKill);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _child?.Dispose();
}
