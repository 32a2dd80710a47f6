using System.Diagnostics;
using System.Globalization;
using System.Text;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>Runs the measuring tools inside a namespace: bounded client runs, and servers that are killed when disposed.</summary>
public sealed class BenchProcess : IAsyncDisposable
{
    private static readonly TimeSpan ListenWait = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BenchProcess(Process process) => _process = process;

    /// <summary>
    /// Runs <paramref name="argv"/> in <paramref name="netns"/> and returns its standard output; fails when it exits
    /// non-zero or runs longer than <paramref name="timeout"/> (it is killed then).
    /// </summary>
    public static Task<string> RunAsync(string netns, IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(NetnsCommand.StartInfo(netns, argv), $"{string.Join(' ', argv)} in {netns}", timeout, null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="info"/> (described as <paramref name="what"/> in errors) and returns its standard output,
    /// handing each line to <paramref name="line"/> as it arrives when given; fails like the overload above.
    /// </summary>
    public static async Task<string> RunAsync(ProcessStartInfo info, string what, TimeSpan timeout, Action<string>? line, CancellationToken cancellationToken)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw new BenchException($"could not start {what}");
        var stdout = ReadAsync(process.StandardOutput, line);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BenchException($"{what} did not finish within {timeout.TotalSeconds:0} s");
        }

        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new BenchException($"{what} exited with {process.ExitCode}: {Last(error.Length > 0 ? error : output)}");
        }

        return output;
    }

    /// <summary>Starts a server in <paramref name="netns"/> and waits until it listens on TCP <paramref name="port"/>.</summary>
    public static async Task<BenchProcess> StartServerAsync(string netns, IReadOnlyList<string> argv, int port, CancellationToken cancellationToken)
    {
        var info = NetnsCommand.StartInfo(netns, argv);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var server = new BenchProcess(Process.Start(info) ?? throw new BenchException($"could not start {argv[0]}"));
        server._process.OutputDataReceived += server.Keep;
        server._process.ErrorDataReceived += server.Keep;
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var wanted = $"{port.ToString(CultureInfo.InvariantCulture)}/tcp";
        var clock = Stopwatch.StartNew();
        while (!ListeningPorts.Of(server._process.Id).Contains(wanted))
        {
            if (server._process.HasExited || clock.Elapsed > ListenWait)
            {
                var said = server.Said();
                await server.DisposeAsync().ConfigureAwait(false);
                throw new BenchException($"{string.Join(' ', argv)} in {netns} is not listening on {wanted}: {said}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return server;
    }

    /// <summary>Kills the server.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static async Task<string> ReadAsync(StreamReader reader, Action<string>? line)
    {
        if (line is null)
        {
            return await reader.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var text = new StringBuilder();
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } next)
        {
            text.AppendLine(next);
            line(next);
        }

        return text.ToString();
    }

    private void Keep(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 4096)
            {
                _output.AppendLine(e.Data);
            }
        }
    }

    private string Said()
    {
        lock (_output)
        {
            return Last(_output.ToString());
        }
    }

    private static string Last(string text) =>
        text.Trim() is { Length: > 0 } trimmed ? trimmed.Split('\n')[^1].Trim() : "(no output)";
}
