using System.Collections.Concurrent;
using System.Diagnostics;

namespace Plexus.Lab.Processes;

/// <summary>
/// A single-member etcd (Debian's <c>etcd</c>) on free loopback ports with its own work directory. It can be stopped
/// (killed, like a crash) and started again on the same directory and ports; disposing kills it and deletes the
/// directory if the server created it. Used by the demo, labs and tests.
/// </summary>
public sealed class EtcdServer : IDisposable, IAsyncDisposable
{
    private const string MemberName = "plexus";
    private const int LogLines = 200;
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(10);

    private readonly HttpClient _health = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly ConcurrentQueue<string> _log = new();
    private readonly int _peerPort;
    private readonly int _metricsPort;
    private readonly EtcdTls? _tls;
    private readonly bool _ownsDirectory;
    private Process? _process;

    /// <summary>Prepares (does not start) a member in <paramref name="workDirectory"/> (a new temp directory when null).</summary>
    public EtcdServer(string? workDirectory = null, EtcdTls? tls = null)
    {
        _ownsDirectory = workDirectory is null;
        WorkDirectory = workDirectory ?? Directory.CreateTempSubdirectory("plexus-etcd-").FullName;
        Directory.CreateDirectory(WorkDirectory);
        _tls = tls;
        var ports = FreePorts.Take(3);
        (ClientPort, _peerPort, _metricsPort) = (ports[0], ports[1], ports[2]);
        Endpoint = $"127.0.0.1:{ClientPort}";
        StoreUrl = $"{(tls is null ? "etcd" : "etcds")}://{Endpoint}";
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The client endpoint, <c>127.0.0.1:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The Plexus store URL: <c>etcd://127.0.0.1:port</c>, or <c>etcds://…</c> with TLS.</summary>
    public string StoreUrl { get; }

    /// <summary>The client port.</summary>
    public int ClientPort { get; }

    /// <summary>The directory holding the data directory.</summary>
    public string WorkDirectory { get; }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The last lines etcd wrote, for diagnostics.</summary>
    public string RecentLog => string.Join(Environment.NewLine, _log);

    /// <summary>Creates a member and starts it.</summary>
    public static async Task<EtcdServer> StartNewAsync(string? workDirectory = null, EtcdTls? tls = null, CancellationToken cancellationToken = default)
    {
        var etcd = new EtcdServer(workDirectory, tls);
        try
        {
            await etcd.StartAsync(cancellationToken).ConfigureAwait(false);
            return etcd;
        }
        catch
        {
            etcd.Dispose();
            throw;
        }
    }

    /// <summary>Starts etcd (again, on the same data directory and ports) and waits until it reports healthy.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        _process?.Dispose();
        _process = Process.Start(CreateStartInfo(EtcdCommand.Binary())) ?? throw new InvalidOperationException("could not start etcd");
        _process.OutputDataReceived += (_, line) => Record(line.Data);
        _process.ErrorDataReceived += (_, line) => Record(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilHealthyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills etcd (like a crash: no graceful shutdown) and waits for it to exit.</summary>
    public void Stop()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        _process.Kill(entireProcessTree: true);
        if (!_process.WaitForExit(ExitDeadline))
        {
            throw new InvalidOperationException($"etcd (pid {_process.Id}) did not exit within {ExitDeadline}");
        }
    }

    /// <summary>Kills etcd and deletes its directory if this server created it.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            Stop();
        }
        finally
        {
            _process?.Dispose();
            _health.Dispose();
            if (_ownsDirectory && Directory.Exists(WorkDirectory))
            {
                Directory.Delete(WorkDirectory, recursive: true);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private ProcessStartInfo CreateStartInfo(string binary)
    {
        var scheme = _tls is null ? "http" : "https";
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        EtcdCommand.PrepareEnvironment(info.Environment);
        foreach (var argument in EtcdCommand.Arguments(MemberName, Path.Combine(WorkDirectory, "data"), $"{scheme}://{Endpoint}",
            $"http://127.0.0.1:{_peerPort}", $"http://127.0.0.1:{_metricsPort}", _tls))
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    // The metrics listener serves /health over plain HTTP in every mode; it is healthy once a leader serves reads.
    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var health = new Uri($"http://127.0.0.1:{_metricsPort}/health");
        var lastAnswer = "no answer";
        while (deadline.Elapsed < ReadyDeadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with code {_process.ExitCode} while starting:{Environment.NewLine}{RecentLog}");
            }

            try
            {
                lastAnswer = await _health.GetStringAsync(health, cancellationToken).ConfigureAwait(false);
                if (lastAnswer.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                lastAnswer = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = "health check timed out";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }

        Stop();
        throw new TimeoutException($"etcd was not healthy within {ReadyDeadline} ({lastAnswer}):{Environment.NewLine}{RecentLog}");
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > LogLines)
        {
            _log.TryDequeue(out _);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }
    }
}
