using System.Globalization;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Process metrics under the names every Prometheus client library uses (<c>process_*</c>, read from
/// <c>/proc/self</c>) and .NET runtime metrics (<c>dotnet_*</c>, from the GC and thread pool APIs).
/// </summary>
public sealed class RuntimeMetricsCollector : IMetricsCollector
{
    // USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on Linux.
    private const double TicksPerSecond = 100;
    private readonly Lazy<long?> _maxFds = new(ReadMaxFds);
    private readonly double _startTime = StartTime();

    /// <inheritdoc/>
    public string Name => "runtime";

    /// <inheritdoc/>
    public void Collect(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (ReadStat() is { } stat)
        {
            writer.Add(MetricCatalogue.ProcessCpu, (stat.UserTicks + stat.SystemTicks) / TicksPerSecond);
            writer.Add(MetricCatalogue.ProcessVirtual, stat.VirtualBytes);
            writer.Add(MetricCatalogue.ProcessResident, stat.ResidentPages * (double)Environment.SystemPageSize);
            writer.Add(MetricCatalogue.ProcessThreads, stat.Threads);
        }

        writer.Add(MetricCatalogue.ProcessStart, _startTime);
        if (Directory.Exists("/proc/self/fd"))
        {
            writer.Add(MetricCatalogue.ProcessOpenFds, Directory.EnumerateFileSystemEntries("/proc/self/fd").Count());
        }

        if (_maxFds.Value is { } max)
        {
            writer.Add(MetricCatalogue.ProcessMaxFds, max);
        }

        writer.Add(MetricCatalogue.DotnetHeapSize, GC.GetGCMemoryInfo().HeapSizeBytes);
        writer.Add(MetricCatalogue.DotnetTotalMemory, GC.GetTotalMemory(forceFullCollection: false));
        writer.Add(MetricCatalogue.DotnetAllocated, GC.GetTotalAllocatedBytes());
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            writer.Add(MetricCatalogue.DotnetCollections, GC.CollectionCount(generation), generation.ToString(CultureInfo.InvariantCulture));
        }

        writer.Add(MetricCatalogue.DotnetGcPause, GC.GetTotalPauseDuration().TotalSeconds);
        writer.Add(MetricCatalogue.DotnetThreadPoolThreads, ThreadPool.ThreadCount);
        writer.Add(MetricCatalogue.DotnetThreadPoolQueue, ThreadPool.PendingWorkItemCount);
    }

    /// <summary>Fields of <c>/proc/self/stat</c> (proc(5)); null where /proc is missing.</summary>
    internal static (long UserTicks, long SystemTicks, long Threads, long VirtualBytes, long ResidentPages)? ReadStat()
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/self/stat");
        }
        catch (IOException)
        {
            return null;
        }

        return ParseStat(text);
    }

    /// <summary>Parses a <c>stat</c> line: the command name (field 2) may hold spaces and parentheses, so fields count from the last ')'.</summary>
    internal static (long UserTicks, long SystemTicks, long Threads, long VirtualBytes, long ResidentPages)? ParseStat(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // After ')': field 3 (state) is index 0, so field N is index N - 3.
        var f = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 22)
        {
            return null;
        }

        static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
        return (L(f[14 - 3]), L(f[15 - 3]), L(f[20 - 3]), L(f[23 - 3]), L(f[24 - 3]));
    }

    private static long? ReadMaxFds()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.TryParse(soft, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
                }
            }
        }
        catch (IOException)
        {
            // No /proc: leave it out.
        }

        return null;
    }

    private static double StartTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return (process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;
    }
}
