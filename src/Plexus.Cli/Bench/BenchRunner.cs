using System.Globalization;
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
        var load = BenchReport.LoadAverage();
        var suffix = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 5);
        var labName = "bench" + suffix;
        var baselineName = "base" + suffix;
        try
        {
            progress($"building Plexus lab {labName} and baseline {baselineName}");
            var plexus = await PlexusBed.UpAsync(labName, progress, cancellationToken).ConfigureAwait(false);
            var baseline = await BaselineBed.UpAsync(baselineName, progress, cancellationToken).ConfigureAwait(false);
            var results = new List<BenchResult>();
            foreach (var scenario in scenarios)
            {
                results.AddRange(await MeasureAsync(scenario, plexus, baseline, settings, cancellationToken).ConfigureAwait(false));
            }

            return new BenchReport(started, settings, results, BenchReport.MachineFacts(load, plexus.PodMtu, baseline.PodMtu));
        }
        finally
        {
            await CleanUpAsync(labName, baselineName).ConfigureAwait(false);
        }
    }

    private async Task<IEnumerable<BenchResult>> MeasureAsync(BenchScenario scenario, BenchBed plexus, BenchBed baseline, BenchSettings settings, CancellationToken cancellationToken)
    {
        BenchBed[] beds = scenario.HasBaseline ? [plexus, baseline] : [plexus];
        var samples = beds.ToDictionary(b => b, _ => scenario.Metrics.Select(_ => new List<double>()).ToArray());
        var servers = new List<BenchProcess>();
        try
        {
            foreach (var bed in beds)
            {
                if (await scenario.StartServerAsync(bed, cancellationToken).ConfigureAwait(false) is { } server)
                {
                    servers.Add(server);
                }
            }

            for (var rep = 1; rep <= settings.Repetitions; rep++)
            {
                var order = rep % 2 == 1 ? beds : [.. beds.Reverse()];
                foreach (var bed in order)
                {
                    var values = await scenario.MeasureAsync(bed, settings, cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < values.Length; i++)
                    {
                        samples[bed][i].Add(values[i]);
                    }

                    var shown = scenario.Metrics.Select((m, i) => $"{m.Name} {BenchResult.Format(values[i])} {m.Unit}");
                    progress($"{scenario.Name} {rep.ToString(CultureInfo.InvariantCulture)}/{settings.Repetitions.ToString(CultureInfo.InvariantCulture)} {bed.Name}: {string.Join(", ", shown)}");
                }
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        return scenario.Metrics.Select((m, i) => new BenchResult(scenario.Name, m.Name, m.Unit, BenchResult.Median(samples[plexus][i]),
            scenario.HasBaseline ? BenchResult.Median(samples[baseline][i]) : null));
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
