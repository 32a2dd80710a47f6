using System.Diagnostics;
using System.Globalization;

namespace Plexus.Cli.Bench;

/// <summary>
/// What one process used over a window, from <c>/proc</c>: the highest resident set seen (VmRSS of
/// <c>/proc/PID/status</c>, sampled every 250 ms) and CPU time (utime + stime of <c>/proc/PID/stat</c>) as a
/// percentage of one core.
/// </summary>
public sealed record AgentUsage(double RssMiB, double CpuPercent)
{
    // USER_HZ, the unit of /proc/PID/stat times: fixed at 100 by the kernel ABI on every architecture Plexus runs on.
    /// <summary>Clock ticks per second of /proc CPU times (USER_HZ).</summary>
    public const double TicksPerSecond = 100;
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Waits until each of <paramref name="pids"/> used less than <paramref name="cpuPercent"/> of a core over a
    /// <paramref name="window"/>, for at most <paramref name="timeout"/>; returns the last usage seen and whether it was quiet.
    /// </summary>
    public static async Task<(bool Quiet, IReadOnlyList<AgentUsage> Usage)> WaitQuietAsync(IReadOnlyList<int> pids, double cpuPercent, TimeSpan window, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<AgentUsage> usage = [];
        while (clock.Elapsed < timeout)
        {
            usage = await MeasureAsync(pids, window, cancellationToken).ConfigureAwait(false);
            if (usage.All(u => u.CpuPercent < cpuPercent))
            {
                return (true, usage);
            }
        }

        return (false, usage);
    }

    /// <summary>Watches <paramref name="pids"/> for <paramref name="window"/>; fails when one of them exits (an agent restart).</summary>
    public static async Task<IReadOnlyList<AgentUsage>> MeasureAsync(IReadOnlyList<int> pids, TimeSpan window, CancellationToken cancellationToken)
    {
        var startTicks = pids.Select(CpuTicks).ToArray();
        var clock = Stopwatch.StartNew();
        var peakKib = new long[pids.Count];
        while (true)
        {
            for (var i = 0; i < pids.Count; i++)
            {
                peakKib[i] = Math.Max(peakKib[i], RssKib(pids[i]));
            }

            var left = window - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(left < SampleInterval ? left : SampleInterval, cancellationToken).ConfigureAwait(false);
        }

        var endTicks = pids.Select(CpuTicks).ToArray();
        var seconds = clock.Elapsed.TotalSeconds;
        return [.. pids.Select((_, i) => new AgentUsage(peakKib[i] / 1024.0, (endTicks[i] - startTicks[i]) / TicksPerSecond / seconds * 100))];
    }

    /// <summary>utime + stime of <paramref name="pid"/>, in ticks (fields 14 and 15 of <c>/proc/PID/stat</c>).</summary>
    public static long CpuTicks(int pid)
    {
        var stat = Read(pid, "stat");
        // The command name (field 2) may contain spaces and parentheses: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>VmRSS of <paramref name="pid"/> in KiB.</summary>
    public static long RssKib(int pid)
    {
        var line = Read(pid, "status").Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            ?? throw new BenchException($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status has no VmRSS");
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string Read(int pid, string file)
    {
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/{file}";
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BenchException($"reading {path}: {e.Message} (did the agent restart?)");
        }
    }
}
