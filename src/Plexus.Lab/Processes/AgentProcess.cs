using System.Diagnostics;
using Plexus.Interop.Posix;

namespace Plexus.Lab.Processes;

/// <summary>A <c>plexus-agent</c> child process for one node, with its log in a file.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private AgentProcess(Process process, StreamWriter log, string node, string apiSocket, string logFile)
    {
        _process = process;
        _log = log;
        Node = node;
        ApiSocket = apiSocket;
        LogFile = logFile;
    }

    /// <summary>The node this agent serves.</summary>
    public string Node { get; }

    /// <summary>The agent's REST API socket.</summary>
    public string ApiSocket { get; }

    /// <summary>The agent's log file.</summary>
    public string LogFile { get; }

    /// <summary>Process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts <c>plexus-agent</c> for <paramref name="node"/> with its socket, state and log under <paramref name="dir"/>.</summary>
    public static AgentProcess Start(string node, string cluster, int clusterId, string storeUrl, string dir, IEnumerable<string>? extraArgs = null)
    {
        var binary = Binaries.FindPlexus("plexus-agent") ?? throw new InvalidOperationException("bin/plexus-agent not found: run ./build.sh build");
        Directory.CreateDirectory(dir);
        var socket = Path.Combine(dir, "agent.sock");
        var logFile = Path.Combine(dir, "agent.log");
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[
            "--node", node, "--cluster", cluster, "--cluster-id", clusterId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--store", storeUrl, "--api-socket", socket, "--state-dir", Path.Combine(dir, "state"), .. extraArgs ?? []])
        {
            info.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AgentProcess(process, log, node, socket, logFile);
    }

    /// <summary>Sends SIGTERM and waits up to <paramref name="grace"/> for a clean exit, then kills.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.SigTerm);
            using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The exit code once exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives after dispose is dropped.
            }
        }
    }
}
