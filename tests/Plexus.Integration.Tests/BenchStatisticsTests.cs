extern alias plexuscli;

using System.Net;
using System.Text.Json.Nodes;
using plexuscli::Plexus.Cli.Bench;

namespace Plexus.Integration.Tests;

/// <summary>
/// The arithmetic and the measuring order of <c>plexus bench</c> (pure: no lab): medians per side, the paired ratio,
/// the order in which steps alternate the sides, the throughput scenario's sampling, and the timings in the report.
/// </summary>
public sealed class BenchStatisticsTests
{
    private static readonly BenchBed Plexus = Bed("plexus");
    private static readonly BenchBed Baseline = Bed("baseline");

    [Fact]
    public void Paired_ratio_comes_from_the_repetitions_ratios_and_cancels_drift()
    {
        // The host slows down during the scenario; each repetition measures both sides at the same speed, and Plexus is
        // always 5 % slower. The medians of the sides come from different moments, the pairs do not.
        double[] baseline = [16, 15, 12, 10, 9];
        double[] plexus = [.. baseline.Select((b, i) => b * 0.95)];
        var samples = new BenchSamples([Plexus, Baseline], 1);
        foreach (var (p, b) in plexus.Zip(baseline))
        {
            samples.Add(Plexus, 0, p);
            samples.Add(Baseline, 0, b);
        }

        Assert.Equal(0.95, samples.PairedRatio(Plexus, Baseline, 0)!.Value, 9);
        Assert.Equal(12 * 0.95, samples.Median(Plexus, 0), 9);
        Assert.Equal(12, samples.Median(Baseline, 0), 9);
    }

    [Fact]
    public void Paired_ratio_is_the_geometric_mean_without_the_lowest_and_highest_fifth()
    {
        // Ten pairs whose ratios are 1/4, 1/2, 1/2, 1, 1, 2, 2, 2, 4 and 100: two left out at each end, and the mean of
        // log2 over 1/2, 1, 1, 2, 2, 2 is 1/3.
        double[] ratios = [2, 0.5, 100, 1, 0.25, 2, 1, 4, 0.5, 2];
        double[] baseline = [.. ratios.Select((_, i) => 10.0 + i)];
        Assert.Equal(Math.Pow(2, 1.0 / 3), BenchSamples.PairedRatio([.. ratios.Zip(baseline, (r, b) => r * b)], baseline)!.Value, 9);

        // One pair that met a stalled host does not move five.
        Assert.Equal(1.0, BenchSamples.PairedRatio([10, 10, 10, 10, 1], [10, 10, 10, 10, 10])!.Value, 9);

        // Three pairs give their median, two their geometric mean.
        Assert.Equal(2.0, BenchSamples.PairedRatio([1, 2, 30], [1, 1, 1])!.Value, 9);
        Assert.Equal(2.0, BenchSamples.PairedRatio([1, 4], [1, 1])!.Value, 9);
    }

    [Fact]
    public void Paired_ratio_leaves_out_zero_baselines_and_is_null_without_pairs()
    {
        Assert.Equal(2.0, BenchSamples.PairedRatio([4, 1, 9], [2, 0, 4.5]));
        Assert.Null(BenchSamples.PairedRatio([1], [0]));
        Assert.Null(BenchSamples.PairedRatio([], []));
    }

    [Fact]
    public void Result_reports_the_paired_ratio_when_there_is_one()
    {
        Assert.Equal(0.912, new BenchResult("s", "m", "1/s", 10, 10, 0.91234).Ratio);
        Assert.Equal(0.5, new BenchResult("s", "m", "1/s", 5, 10).Ratio);
        Assert.Null(new BenchResult("s", "m", "1/s", 5, null, 0.9).Ratio);
        Assert.Equal(0, new BenchResult("s", "m", "1/s", 5, 0).Ratio);
    }

    [Fact]
    public async Task Steps_run_on_both_sides_back_to_back_and_alternate_which_side_goes_first()
    {
        var scenario = new RecordingScenario();
        var samples = await scenario.RepeatTwoStepsAsync(3);

        // Each step's pair is adjacent; the first side alternates per step and per repetition, so every metric has
        // each side first as often as possible.
        string[] expected =
        [
            "plexus a", "baseline a", "baseline b", "plexus b",
            "baseline a", "plexus a", "plexus b", "baseline b",
            "plexus a", "baseline a", "baseline b", "plexus b",
        ];
        Assert.Equal(expected, scenario.Calls);
        Assert.Equal([1.0, 6.0, 9.0], samples.Of(Plexus, 0));
        Assert.Equal([4.0, 7.0, 12.0], samples.Of(Plexus, 1));
        Assert.Equal([2.0, 5.0, 10.0], samples.Of(Baseline, 0));
        Assert.Equal([3.0, 8.0, 11.0], samples.Of(Baseline, 1));
        Assert.Equal(12, scenario.Progress.Count);
        Assert.Equal("two 1/3 plexus: a 1 1/s", scenario.Progress[0]);
    }

    [Fact]
    public async Task A_step_measured_several_times_per_repetition_pairs_every_sample_and_alternates_the_first_side()
    {
        var scenario = new RecordingScenario();
        var samples = await scenario.RepeatTwiceAsync(2);

        string[] expected = ["plexus a", "baseline a", "baseline a", "plexus a", "plexus a", "baseline a", "baseline a", "plexus a"];
        Assert.Equal(expected, scenario.Calls);
        Assert.Equal([1.0, 4.0, 5.0, 8.0], samples.Of(Plexus, 0));
        Assert.Equal([2.0, 3.0, 6.0, 7.0], samples.Of(Baseline, 0));
        Assert.Equal(["two 1/4 plexus: a 1 1/s", "two 1/4 baseline: a 2 1/s", "two 2/4 baseline: a 3 1/s"], scenario.Progress.Take(3));
    }

    [Fact]
    public void Datapath_scenarios_take_more_and_shorter_samples()
    {
        var full = BenchSettings.Full.Sampled();
        Assert.Equal((15, TimeSpan.FromSeconds(2)), (full.Repetitions, full.Duration));
        var quick = BenchSettings.Short.Sampled();
        Assert.Equal((5, TimeSpan.FromSeconds(2)), (quick.Repetitions, quick.Duration));
        var overridden = (BenchSettings.Full with { Repetitions = 2, Duration = TimeSpan.FromSeconds(20) }).Sampled();
        Assert.Equal((6, TimeSpan.FromSeconds(5)), (overridden.Repetitions, overridden.Duration));

        // Throughput: the same repetitions, one-second samples (three per repetition for one stream, two for four).
        Assert.Equal((15, TimeSpan.FromSeconds(1)), (BenchSettings.Full.SampledShort().Repetitions, BenchSettings.Full.SampledShort().Duration));
        Assert.Equal((5, TimeSpan.FromSeconds(1)), (BenchSettings.Short.SampledShort().Repetitions, BenchSettings.Short.SampledShort().Duration));
        Assert.Equal(TimeSpan.FromSeconds(2), (BenchSettings.Full with { Repetitions = 2, Duration = TimeSpan.FromSeconds(20) }).SampledShort().Duration);
    }

    [Fact]
    public void Throughput_is_the_median_of_the_intervals_after_the_first()
    {
        // The first quarter second (slow start) is left out; what remains is 9, 2 and 10 Gbit/s.
        var json = new JsonObject
        {
            ["intervals"] = new JsonArray([.. new[] { (0.0, 1e9), (0.25, 9e9), (0.5, 2e9), (0.75, 10e9) }
                .Select(i => (JsonNode)new JsonObject { ["sum"] = new JsonObject { ["start"] = i.Item1, ["bits_per_second"] = i.Item2, ["omitted"] = false } })]),
        };
        Assert.Equal(9.0, ThroughputScenario.Parse(json.ToJsonString()), 9);
        Assert.Throws<BenchException>(() => ThroughputScenario.Parse("""{"error": "unable to connect to server"}"""));
    }

    [Fact]
    public void Report_carries_the_timings_in_run_order()
    {
        KeyValuePair<string, double>[] timings = [new("setup", 14.04), new("throughput", 204.46), new("total", 239.6)];
        var report = new BenchReport(DateTimeOffset.UnixEpoch, BenchSettings.Full, [new BenchResult("throughput", "tcp 1 stream", "Gbit/s", 9.5, 10, 0.95) { PlexusSamples = [9.5, 9.25], BaselineSamples = [10, 9.5] }], new Dictionary<string, string>(), timings);
        var json = report.ToJson();
        Assert.Equal(["setup", "throughput", "total"], json["timings"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(204.5, (double)json["timings"]!["throughput"]!);
        Assert.Equal(0.95, (double)json["results"]![0]!["ratio"]!);
        Assert.Equal([9.5, 9.25], json["results"]![0]!["samples"]!["plexus"]!.AsArray().Select(v => (double)v!));
        Assert.Equal([10.0, 9.5], json["results"]![0]!["samples"]!["baseline"]!.AsArray().Select(v => (double)v!));
        Assert.Contains("| throughput | tcp 1 stream | Gbit/s | 9.5 | 10 | 0.950 | 2 |", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("- time: setup 14.0 s, throughput 3 min 24 s, total 4 min 0 s", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void Machine_facts_carry_the_cpu_and_memory_checks_of_both_ends_of_the_run()
    {
        var memory = MemoryCheck.Measure();
        Assert.Matches(@"^median \d+\.\d ns per load, slowest \d+\.\d ns \(\+\d+ %\)$", memory);

        var facts = BenchReport.MachineFacts("0.1 0.2 0.3", 1450, 1450, ("cpu before", "cpu after"), (memory, "memory after"));

        Assert.Equal(("cpu before", "cpu after", memory, "memory after"), (facts["cpuCheckBefore"], facts["cpuCheckAfter"], facts["memoryCheckBefore"], facts["memoryCheckAfter"]));
    }

    [Fact]
    public void Machine_usage_counts_everything_but_idle_and_iowait_as_busy()
    {
        var before = MachineUsage.Parse("cpu  100 10 50 800 40 0 0 0 0 0");
        var after = MachineUsage.Parse("cpu  130 10 70 1220 60 5 5 0 20 0");

        Assert.Equal((160L, 1000L), before);
        Assert.Equal(12.0, MachineUsage.BusyPercent(before, after), 6); // 60 busy of 500 (guest is inside user)
        Assert.Equal(0, MachineUsage.BusyPercent(before, before));
        var error = Assert.Throws<BenchException>(() => MachineUsage.Parse("intr 1 2 3"));
        Assert.Contains("/proc/stat", error.Message, StringComparison.Ordinal);
        var (busy, total) = MachineUsage.Read();
        Assert.InRange(busy, 0, total);
    }

    [Fact]
    public void Propagation_measures_50_pods_per_round_in_a_full_run_and_15_in_a_quick_one()
    {
        // A full run: five repetitions of three pairs of rounds each (750 pods per side); --quick: three of one pair (45).
        Assert.Equal((5, 3, 50), (BenchSettings.Full.Repetitions, PropagationScenario.PairsPerRepetition(BenchSettings.Full), PropagationScenario.PodsPerRound(BenchSettings.Full)));
        Assert.Equal((3, 1, 15), (BenchSettings.Short.Repetitions, PropagationScenario.PairsPerRepetition(BenchSettings.Short), PropagationScenario.PodsPerRound(BenchSettings.Short)));
    }

    [Fact]
    public void Latency_takes_45_samples_of_a_second_in_a_full_run_and_15_in_a_quick_one()
    {
        Assert.Equal((45, TimeSpan.FromSeconds(1)), (LatencyScenario.Sampling(BenchSettings.Full).Repetitions, LatencyScenario.Sampling(BenchSettings.Full).Duration));
        Assert.Equal((15, TimeSpan.FromSeconds(1)), (LatencyScenario.Sampling(BenchSettings.Short).Repetitions, LatencyScenario.Sampling(BenchSettings.Short).Duration));
    }

    private static BenchBed Bed(string name) => new(name, $"{name}-client", $"{name}-server", IPAddress.Loopback, 1450, null!, null!);

    // Two one-metric steps; each value encodes its call: the n-th call returns n.
    private sealed class RecordingScenario : BenchScenario
    {
        public List<string> Calls { get; } = [];

        public List<string> Progress { get; } = [];

        public override string Name => "two";

        public override IReadOnlyList<BenchMetric> Metrics { get; } = [new("a", "1/s"), new("b", "1/s")];

        public override Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) => Task.FromResult<BenchProcess?>(null);

        public override Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken) => throw new InvalidOperationException("steps only");

        public Task<BenchSamples> RepeatTwoStepsAsync(int repetitions) =>
            RepeatAsync([Plexus, Baseline], [Step(Metrics[0]), Step(Metrics[1])], Name, BenchSettings.Full with { Repetitions = repetitions }, Progress.Add, CancellationToken.None);

        public Task<BenchSamples> RepeatTwiceAsync(int repetitions) =>
            RepeatAsync([Plexus, Baseline], [Step(Metrics[0]) with { Times = 2 }], Name, BenchSettings.Full with { Repetitions = repetitions }, Progress.Add, CancellationToken.None);

        private BenchStep Step(BenchMetric metric) => new([metric], (bed, _) =>
        {
            Calls.Add($"{bed.Name} {metric.Name}");
            return Task.FromResult<double[]>([Calls.Count]);
        });
    }
}
