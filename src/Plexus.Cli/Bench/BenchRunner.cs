using System.Security.Cryptography;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>
/// Runs a benchmark: builds the Plexus lab and the baseline side by side, runs every scenario against both
/// (alternating which side goes first each repetition), and always tears both down, also on failure or Ctrl-C.
/// </summary>
public sealed class BenchRunner(Action<string> progress)
{
    /// <summary>Runs <paramref name="scenarios"/> with <paramref name="settings"/>.</summary>
    public async Task<BenchReport> RunAsync(IReadOnlyList<BenchScenario> scenarios, BenchSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timings = new List<KeyValuePair<string, double>>();
        var load = BenchReport.LoadAverage();
        var cpuBefore = CpuCheck.Measure();
        var memoryBefore = MemoryCheck.Measure();
        var suffix = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 5);
        var labName = "bench" + suffix;
        var baselineName = "base" + suffix;
        try
        {
            progress($"building Plexus lab {labName} and baseline {baselineName}");
            var plexus = await PlexusBed.UpAsync(labName, progress, cancellationToken).ConfigureAwait(false);
            var baseline = await BaselineBed.UpAsync(baselineName, progress, cancellationToken).ConfigureAwait(false);
            timings.Add(KeyValuePair.Create("setup", clock.Elapsed.TotalSeconds));
            var results = new List<BenchResult>();
            foreach (var scenario in scenarios)
            {
                var begun = clock.Elapsed;
                results.AddRange(await scenario.RunAsync(plexus, baseline, settings, progress, cancellationToken).ConfigureAwait(false));
                var took = (clock.Elapsed - begun).TotalSeconds;
                timings.Add(KeyValuePair.Create(scenario.Name, took));
                progress($"{scenario.Name} took {BenchReport.Describe(took)}");
            }

            var cpuAfter = CpuCheck.Measure();
            var memoryAfter = MemoryCheck.Measure();
            progress($"cpu check (20 rounds of fixed work): before the run {cpuBefore}; after it {cpuAfter}");
            progress($"memory check (dependent loads over 8 MiB): before the run {memoryBefore}; after it {memoryAfter}");
            timings.Add(KeyValuePair.Create("total", clock.Elapsed.TotalSeconds));
            return new BenchReport(started, settings, results, BenchReport.MachineFacts(load, plexus.PodMtu, baseline.PodMtu, (cpuBefore, cpuAfter), (memoryBefore, memoryAfter)), timings);
        }
        finally
        {
            await CleanUpAsync(labName, baselineName).ConfigureAwait(false);
        }
    }

    private async Task CleanUpAsync(string labName, string baselineName)
    {
        try
        {
            await LabTeardown.DownAsync(labName).ConfigureAwait(false);
            progress($"removed lab {labName}");
        }
        catch (Exception e) when (e is LabException or IOException or Interop.Namespaces.NamespaceException or UnauthorizedAccessException)
        {
            progress($"warning: removing lab {labName} failed ({e.Message}); run 'plexus lab down {labName}'");
        }

        try
        {
            await BaselineBed.DownAsync(baselineName).ConfigureAwait(false);
            progress($"removed baseline {baselineName}");
        }
        catch (Exception e) when (e is LabException or IOException or Interop.Namespaces.NamespaceException or UnauthorizedAccessException)
        {
            progress($"warning: removing baseline {baselineName} failed ({e.Message}); run 'plexus lab down {baselineName}'");
        }
    }
}
