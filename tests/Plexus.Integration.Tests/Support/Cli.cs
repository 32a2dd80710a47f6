using System.Diagnostics;

namespace Plexus.Integration.Tests.Support;

/// <summary>Runs the built binaries (bin/plexus, bin/plexus-probe …) as a user would, capturing output.</summary>
public static class Cli
{
    /// <summary>Exit code and output of one run.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <inheritdoc/>
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>Runs <c>bin/<paramref name="binary"/></c> with <paramref name="args"/> and optional stdin, within 60 s.</summary>
    public static async Task<Result> RunAsync(string binary, IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? env = null)
    {
        var path = Plexus.Lab.Processes.Binaries.FindPlexus(binary) ?? throw new InvalidOperationException($"bin/{binary} not built");
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("PLEXUS_STORE");
        info.Environment.Remove("PLEXUS_CONFIG");
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{binary} {string.Join(' ', args)} did not finish within 60 s");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <c>bin/plexus</c>.</summary>
    public static Task<Result> PlexusAsync(params string[] args) => RunAsync("plexus", args);
}
