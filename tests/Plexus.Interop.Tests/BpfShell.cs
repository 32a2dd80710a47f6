using System.Diagnostics;

namespace Plexus.Interop.Tests;

/// <summary>Runs setup commands (ip, tc, umount) for privileged BPF tests; product code never shells out.</summary>
internal static class BpfShell
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>; returns stdout, throws with stderr on a non-zero exit.</summary>
    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
    }
}
