using Plexus.Cli.Bench;
using Plexus.Policy;

namespace Plexus.Agent.Tests;

/// <summary>The policy bench scenario's pure parts: its synthetic workload, settling of probe outcomes and its figures. No timing is asserted.</summary>
public sealed class PolicyBenchTests
{
    [Fact]
    public void The_workload_validates_and_compiles_into_entries_for_every_endpoint_with_denies()
    {
        var workload = PolicyWorkload.Create(1_000, 100);

        var repository = workload.Load();
        var update = repository.Compute();

        Assert.Equal(100, workload.Policies.Count);
        Assert.Equal(1_000, workload.Identities.Count);
        Assert.Equal(PolicyWorkload.LocalEndpoints, update.Changed.Count);
        Assert.Contains(update.Changed, p => p.Entries.Any(e => e.Verdict == EntryVerdict.Deny));
        Assert.Contains(update.Changed, p => p.Ingress.DefaultDeny);
        Assert.Contains(repository.CidrIdentities, c => c.Cidr.ToString() == "198.51.100.0/25");
        Assert.Empty(repository.Warnings);
    }

    [Fact]
    public void The_workload_is_deterministic()
    {
        var a = PolicyWorkload.Create(1_000, 100).Load();
        var b = PolicyWorkload.Create(1_000, 100).Load();
        a.Compute();
        b.Compute();

        Assert.All(a.Policies, p => Assert.True(p.Value.SameContent(b.Policies[p.Key])));
    }

    [Theory]
    [InlineData(new[] { 1, 1, 0, 0, 0 }, false, 2)]
    [InlineData(new[] { 0, 1, 0, 0, 1, 0, 0, 0 }, false, 5)]
    [InlineData(new[] { 0, 0, 1, 1 }, true, -1)]
    [InlineData(new[] { 0, 1, 1, 1, 1 }, true, 1)]
    public void A_verdict_settles_at_the_first_of_three_consecutive_attempts_that_see_it(int[] outcomes, bool wanted, int expected) =>
        Assert.Equal(expected, PolicyScenario.FirstSettled([.. outcomes.Select(o => (bool?)(o == 1))], wanted, 3));

    [Fact]
    public void An_attempt_still_running_breaks_a_streak()
    {
        bool?[] outcomes = [false, null, false, false, false];

        Assert.Equal(2, PolicyScenario.FirstSettled(outcomes, false, 3));
    }

    [Fact]
    public void Figures_are_named_per_size_and_summarized_as_nearest_rank_p50_and_p99()
    {
        double[] samples = [.. Enumerable.Range(1, 50).Select(i => (double)i)];

        Assert.Equal([25, 50], PolicyScenario.Summarize(samples));
        Assert.Equal("10k ids x 1000 rules", PolicyScenario.Label(10_000, 1_000));
        Assert.Contains(PolicyScenario.CompileMetrics, m => m.Name == "compile 10k ids x 1000 rules" && m.Unit == "ms");
        Assert.Equal(14, new PolicyScenario().Metrics.Count);
        Assert.False(new PolicyScenario().HasBaseline);
        Assert.Contains("policy", BenchScenario.Names);
    }
}
