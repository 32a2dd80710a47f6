using System.Diagnostics;
using System.Globalization;

namespace Plexus.Cli.Bench;

/// <summary>
/// How steady the machine's CPU is: a fixed piece of arithmetic timed 20 times in a row. On a quiet machine every
/// round takes about as long as the median; on a shared VM whose host is busy, some rounds take much longer, and the
/// benchmark's figures move with them. Recorded before and after a run (machine facts), so a reader can tell a run that
/// was disturbed.
/// </summary>
public static class CpuCheck
{
    private const int Rounds = 20;
    private const long Work = 40_000_000;

    /// <summary>"median M ms, slowest S ms (+P %)" over the rounds.</summary>
    public static string Measure()
    {
        var times = new double[Rounds];
        for (var i = 0; i < Rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            Sink = Spin(Work);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        return Summary(times, "ms", "ms");
    }

    /// <summary>"median M {unit}, slowest S {slowestUnit} (+P %)": how far the slowest round strayed from the median.</summary>
    internal static string Summary(double[] times, string unit, string slowestUnit)
    {
        var median = BenchResult.Median(times);
        var slowest = times.Max();
        return string.Create(CultureInfo.InvariantCulture, $"median {median:0.0} {unit}, slowest {slowest:0.0} {slowestUnit} (+{(slowest / median - 1) * 100:0} %)");
    }

    // Keeps the loop's result alive so the JIT cannot drop it.
    private static ulong Sink { get; set; }

    // A xorshift sequence: pure register arithmetic, no memory traffic.
    private static ulong Spin(long count)
    {
        var x = 88172645463325252UL;
        for (long i = 0; i < count; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        return x;
    }
}
