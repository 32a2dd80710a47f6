using System.Globalization;

namespace Plexus.Cli.Bench;

/// <summary>
/// How busy the whole machine is, from the first line of <c>/proc/stat</c>: every process and kernel thread (the kernel
/// destroying namespaces in its workqueues, etcd, the agents), as a percentage of all cores.
/// </summary>
public static class MachineUsage
{
    private const string Stat = "/proc/stat";

    /// <summary>
    /// Waits until the machine was busy less than <paramref name="busyPercent"/> of its cores over one
    /// <paramref name="window"/>, for at most <paramref name="timeout"/>; returns whether it got that quiet.
    /// </summary>
    public static async Task<bool> WaitQuietAsync(double busyPercent, TimeSpan window, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var before = Read();
            await Task.Delay(window, cancellationToken).ConfigureAwait(false);
            if (BusyPercent(before, Read()) < busyPercent)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The busy share (0-100) of all cores between two readings of <see cref="Read"/>; 0 when no time passed.</summary>
    public static double BusyPercent((long Busy, long Total) before, (long Busy, long Total) after)
    {
        var total = after.Total - before.Total;
        return total <= 0 ? 0 : 100.0 * (after.Busy - before.Busy) / total;
    }

    /// <summary>Busy and total ticks of all cores so far (idle and iowait count as not busy).</summary>
    public static (long Busy, long Total) Read() => Parse(File.ReadLines(Stat).First());

    /// <summary>Parses the <c>cpu</c> line of <c>/proc/stat</c>: user nice system idle iowait irq softirq steal ….</summary>
    /// <exception cref="BenchException">The line is not a cpu line.</exception>
    public static (long Busy, long Total) Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu")
        {
            throw new BenchException($"{Stat}: expected a first line \"cpu user nice system idle iowait …\", got \"{line}\"");
        }

        // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
        var ticks = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = ticks.Sum();
        return (total - ticks[3] - ticks[4], total);
    }
}
