using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plexus.Integration.Tests.Support;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Processes;
using Plexus.Lab.Topology;

namespace Plexus.Integration.Tests;

/// <summary>
/// <c>plexus bench --quick -o json</c> end to end, for connrate, for services and for propagation + agent: it builds a Plexus lab and a
/// baseline, prints the contract's JSON shape (null baseline and ratio where the baseline has no counterpart), and
/// leaves no namespace behind (the propagation pods included). Benchmarks, not tests: no figure is asserted beyond being
/// a positive number.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class BenchTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    // Installing 1,000 Services through the control plane takes about a minute on a busy machine.
    private static readonly TimeSpan ServicesLimit = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task Quick_connrate_and_latency_print_results_with_baseline_and_ratio_and_clean_up()
    {
        // --repetitions and --duration override the mode's settings (and the report says so); connrate samples them
        // as R + 2 runs of at least 2 s with --quick (BenchSettings.Sampled), latency as 3 × (R + 2) samples of 1 s
        // measuring both sides in turn.
        var (exit, stdout, stderr) = await RunBenchAsync("bench", "--quick", "--scenario", "connrate", "--scenario", "latency", "--repetitions", "2", "--duration", "2s", "-o", "json");
        var names = LabNamesIn(stderr);
        try
        {
            Assert.True(exit == 0, $"exit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            var document = JsonNode.Parse(stdout)!;
            Assert.Equal(2, (int)document["settings"]!["repetitions"]!);
            Assert.Equal(2.0, (double)document["settings"]!["durationSeconds"]!);
            Assert.Equal(4, Regex.Matches(stderr, @"^connrate \d/4 plexus:", RegexOptions.Multiline).Count);
            Assert.Equal(4, Regex.Matches(stderr, @"^connrate \d/4 baseline:", RegexOptions.Multiline).Count);
            Assert.Equal(12, Regex.Matches(stderr, @"^latency \d+/12 plexus: tcp rtt p50 [0-9.]+ us", RegexOptions.Multiline).Count);
            Assert.Equal(12, Regex.Matches(stderr, @"^latency \d+/12 baseline: tcp rtt p50 [0-9.]+ us", RegexOptions.Multiline).Count);
            var results = document["results"]!.AsArray();
            Assert.Equal(["tcp rtt p50", "tcp rtt p99", "tcp transactions"], results.Where(r => (string)r!["scenario"]! == "latency").Select(r => (string)r!["metric"]!));
            foreach (var latency in results.Where(r => (string)r!["scenario"]! == "latency"))
            {
                Assert.True((double)latency!["plexus"]! > 0 && (double)latency["baseline"]! > 0 && (double)latency["ratio"]! > 0, latency.ToJsonString());
                Assert.Equal(12, latency["samples"]!["plexus"]!.AsArray().Count);
                Assert.Equal(12, latency["samples"]!["baseline"]!.AsArray().Count);
            }

            var result = Assert.Single(results, r => (string)r!["scenario"]! == "connrate")!.AsObject();
            Assert.Equal("connrate", (string)result["scenario"]!);
            Assert.False(string.IsNullOrEmpty((string?)result["metric"]));
            Assert.Equal("1/s", (string)result["unit"]!);
            Assert.True((double)result["plexus"]! > 0);
            Assert.True((double)result["baseline"]! > 0);
            Assert.True((double)result["ratio"]! > 0);
            AssertCleanedUp(names);
        }
        finally
        {
            await LabsDownAsync(names);
        }
    }

    [Fact]
    public async Task Quick_propagation_and_agent_print_their_metrics_and_clean_up()
    {
        var (exit, stdout, stderr) = await RunBenchAsync("bench", "--quick", "--scenario", "propagation", "--scenario", "agent", "-o", "json");
        var names = LabNamesIn(stderr);
        try
        {
            Assert.True(exit == 0, $"exit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            var results = JsonNode.Parse(stdout)!["results"]!.AsArray().Select(r => r!.AsObject()).ToList();
            string[] propagation = ["create to connect p50", "create to connect p99"];
            Assert.Equal(propagation, results.Where(r => (string)r["scenario"]! == "propagation").Select(r => (string)r["metric"]!));
            foreach (var result in results.Where(r => (string)r["scenario"]! == "propagation"))
            {
                // Both sides create pods, so every figure has a baseline and a ratio.
                Assert.Equal("ms", (string)result["unit"]!);
                Assert.True((double)result["plexus"]! >= 0);
                Assert.True((double)result["baseline"]! >= 0);
                Assert.NotNull(result["ratio"]);
            }

            // p50 and p99 pair the rounds (3 pairs of 15 pods in --quick).
            var samples = results.Where(r => (string)r["scenario"]! == "propagation").Select(r => r["samples"]!["plexus"]!.AsArray().Count).ToList();
            Assert.Equal([3, 3], samples);

            // The breakdown of create→connect and the p99 over every measured pod are progress output, one line per side.
            foreach (var side in (string[])["plexus", "baseline"])
            {
                Assert.Matches(
                    $@"propagation {side}: create call p50 [0-9.]+ ms, then [0-9.]+ ms to the first connection \(medians over the rounds\); p99 over all 45 pods [0-9.]+ ms; [0-9]+ pods took more than one attempt",
                    stderr);
            }

            var agent = results.Where(r => (string)r["scenario"]! == "agent").ToList();
            string[] agentMetrics =
            [
                "n1 rss idle", "n1 rss connrate", "n1 cpu idle", "n1 cpu connrate",
                "n2 rss idle", "n2 rss connrate", "n2 cpu idle", "n2 cpu connrate", "connrate load",
            ];
            Assert.Equal(agentMetrics, agent.Select(r => (string)r["metric"]!));
            foreach (var result in agent)
            {
                // The baseline has no agent: null baseline and ratio, present in the document (the contract's keys).
                Assert.True(result.ContainsKey("baseline") && result["baseline"] is null, result.ToJsonString());
                Assert.True(result.ContainsKey("ratio") && result["ratio"] is null, result.ToJsonString());
                Assert.True((double)result["plexus"]! >= 0);
                var metric = (string)result["metric"]!;
                Assert.Equal(metric.Contains("rss", StringComparison.Ordinal) ? "MiB" : metric.Contains("cpu", StringComparison.Ordinal) ? "% core" : "1/s", (string)result["unit"]!);
            }

            Assert.True(agent.Where(r => ((string)r["metric"]!).Contains("rss", StringComparison.Ordinal)).All(r => (double)r["plexus"]! > 0));
            AssertCleanedUp(names);
        }
        finally
        {
            await LabsDownAsync(names);
        }
    }

    [Fact]
    public async Task Quick_services_prints_a_rate_per_service_count_with_baseline_and_the_flatness_and_cleans_up()
    {
        var (exit, stdout, stderr) = await RunBenchAsync(ServicesLimit, "bench", "--quick", "--scenario", "services", "-o", "json");
        var names = LabNamesIn(stderr);
        try
        {
            Assert.True(exit == 0, $"exit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            var results = JsonNode.Parse(stdout)!["results"]!.AsArray().Select(r => r!.AsObject()).ToList();
            Assert.All(results, r => Assert.Equal("services", (string)r["scenario"]!));
            string[] metrics = ["tcp connections via VIP, 1 service", "tcp connections via VIP, 1,000 services", "rate at 1,000 services / at 1 service"];
            Assert.Equal(metrics, results.Select(r => (string)r["metric"]!));
            foreach (var result in results)
            {
                // Both sides install the services (Plexus: plexus apply; baseline: kube-proxy's iptables rules), so every
                // figure, the flatness included, has a baseline and a ratio.
                Assert.Equal(((string)result["metric"]!).StartsWith("rate at", StringComparison.Ordinal) ? "ratio" : "1/s", (string)result["unit"]!);
                Assert.True((double)result["plexus"]! > 0, result.ToJsonString());
                Assert.True((double)result["baseline"]! > 0, result.ToJsonString());
                Assert.True((double)result["ratio"]! > 0, result.ToJsonString());
            }

            Assert.Contains("services plexus: plexus apply -f of 999 services", stderr, StringComparison.Ordinal);
            Assert.Contains("services baseline: iptables-restore of 1,000 services", stderr, StringComparison.Ordinal);
            AssertCleanedUp(names);
        }
        finally
        {
            await LabsDownAsync(names);
        }
    }

    [Theory]
    [InlineData("--repetitions", "0", "--repetitions: 0 is outside 1-50")]
    [InlineData("--repetitions", "51", "--repetitions: 51 is outside 1-50")]
    [InlineData("--duration", "2.5s", "--duration: \"2.5s\" must be whole seconds from 1s to 60s")]
    [InlineData("--duration", "90s", "--duration: \"90s\" must be whole seconds from 1s to 60s")]
    [InlineData("--duration", "soon", "--duration: \"soon\" is not a duration")]
    public async Task Bad_repetitions_or_duration_is_bad_input_and_builds_nothing(string option, string value, string error)
    {
        var (exit, stdout, stderr) = await RunBenchAsync("bench", "--scenario", "connrate", option, value);
        Assert.True(exit == 2, $"exit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains(error, stderr, StringComparison.Ordinal);
        Assert.Empty(LabNamesIn(stdout + stderr));
    }

    private static void AssertCleanedUp(List<string> names)
    {
        Assert.Equal(2, names.Count);
        Assert.DoesNotContain(NetNs.List(), n => names.Any(name => n.StartsWith(LabNames.Prefix(name), StringComparison.Ordinal)));
    }

    private static async Task LabsDownAsync(List<string> names)
    {
        foreach (var name in names)
        {
            await Cli.PlexusAsync("lab", "down", name);
        }
    }

    // The lab and baseline names from "building Plexus lab benchXXXXX and baseline baseXXXXX".
    private static List<string> LabNamesIn(string progress) =>
        BuildingLine().Match(progress) is { Success: true } m ? [m.Groups[1].Value, m.Groups[2].Value] : [];

    // Runs bin/plexus with a longer bound than Cli.RunAsync; on overrun it sends SIGTERM so the bench cleans up.
    private static Task<(int Exit, string Stdout, string Stderr)> RunBenchAsync(params string[] args) => RunBenchAsync(Limit, args);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunBenchAsync(TimeSpan limit, params string[] args)
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
        using var timeout = new CancellationTokenSource(limit);
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
