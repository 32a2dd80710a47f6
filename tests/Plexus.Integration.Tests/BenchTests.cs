using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plexus.Integration.Tests.Support;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Processes;
using Plexus.Lab.Topology;

namespace Plexus.Integration.Tests;

/// <summary>
/// <c>plexus bench --quick --scenario connrate -o json</c> end to end: it builds a Plexus lab and a baseline, prints the
/// contract's JSON shape, and leaves no namespace behind. Benchmarks, not tests: no figure is asserted beyond being
/// a positive number.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class BenchTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Quick_connrate_prints_results_with_baseline_and_ratio_and_cleans_up()
    {
        var (exit, stdout, stderr) = await RunBenchAsync("bench", "--quick", "--scenario", "connrate", "-o", "json");
        var names = LabNamesIn(stderr);
        try
        {
            Assert.True(exit == 0, $"exit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            var results = JsonNode.Parse(stdout)!["results"]!.AsArray();
            var result = Assert.Single(results)!.AsObject();
            Assert.Equal("connrate", (string)result["scenario"]!);
            Assert.False(string.IsNullOrEmpty((string?)result["metric"]));
            Assert.Equal("1/s", (string)result["unit"]!);
            Assert.True((double)result["plexus"]! > 0);
            Assert.True((double)result["baseline"]! > 0);
            Assert.True((double)result["ratio"]! > 0);
            Assert.Equal(2, names.Count);
            Assert.DoesNotContain(NetNs.List(), n => names.Any(name => n.StartsWith(LabNames.Prefix(name), StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var name in names)
            {
                await Cli.PlexusAsync("lab", "down", name);
            }
        }
    }

    // The lab and baseline names from "building Plexus lab benchXXXXX and baseline baseXXXXX".
    private static List<string> LabNamesIn(string progress) =>
        BuildingLine().Match(progress) is { Success: true } m ? [m.Groups[1].Value, m.Groups[2].Value] : [];

    // Runs bin/plexus with a longer bound than Cli.RunAsync; on overrun it sends SIGTERM so the bench cleans up.
    private static async Task<(int Exit, string Stdout, string Stderr)> RunBenchAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Binaries.FindPlexus("plexus") ?? throw new InvalidOperationException("bin/plexus not built"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            using (var interrupt = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(70));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"building Plexus lab (bench[a-z]{5}) and baseline (base[a-z]{5})")]
    private static partial Regex BuildingLine();
}
