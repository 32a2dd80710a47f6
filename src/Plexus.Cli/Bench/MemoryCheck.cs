using System.Diagnostics;

namespace Plexus.Cli.Bench;

/// <summary>
/// How fast the machine's memory answers: a chase of dependent loads through a random cycle over 8 MiB (the size of
/// the baseline's 50,008 iptables rules at 10,000 Services), timed in rounds. <see cref="CpuCheck"/> is register-only
/// and misses what other tenants do to the host's caches; figures that walk memory (iptables at 10,000 Services)
/// move with this one. Recorded before and after a run (machine facts).
/// </summary>
public static class MemoryCheck
{
    private const int Rounds = 7;
    private const int Entries = 8 << 20 >> 2; // 8 MiB of int
    private const int Steps = 1 << 20;

    /// <summary>"median N ns per load, slowest S ns (+P %)" over the rounds.</summary>
    public static string Measure()
    {
        var cycle = Cycle(Entries, new Random(20261207));
        var times = new double[Rounds];
        var at = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            at = Chase(cycle, at, Steps);
            times[i] = clock.Elapsed.TotalNanoseconds / Steps;
        }

        Sink = at;
        return CpuCheck.Summary(times, "ns per load", "ns");
    }

    // Keeps the chase's end alive so the JIT cannot drop it.
    private static int Sink { get; set; }

    // Sattolo's shuffle: one cycle through every entry, so the chase visits all of them in a random order.
    private static int[] Cycle(int length, Random random)
    {
        var next = new int[length];
        for (var i = 0; i < length; i++)
        {
            next[i] = i;
        }

        for (var i = length - 1; i > 0; i--)
        {
            var j = random.Next(i);
            (next[i], next[j]) = (next[j], next[i]);
        }

        return next;
    }

    private static int Chase(int[] next, int at, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            at = next[at];
        }

        return at;
    }
}
