using Xunit.Abstractions;

namespace Plexus.Integration.Tests.Conformance;

/// <summary>
/// The Kubernetes NetworkPolicy conformance cases (<c>shared/conformance/k8s-netpol-e2e.md</c>) with real traffic on
/// one lab: for each case and step the full 9×9 matrix (pod-to-itself left out) is probed through the pods' Services
/// and must equal the expectation within 10 s. Before each case every policy is deleted, the labels it changed are
/// restored, and the matrix must be all-allowed again.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class NetworkPolicyConformanceTests(ConformanceLab lab, ITestOutputHelper output) : IClassFixture<ConformanceLab>
{
    private const string NoSctp = "kernel has no SCTP";

    /// <summary>Case numbers and upstream names, for the theory.</summary>
    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (var c in ConformanceCases.All)
        {
            data.Add(c.Number, c.Upstream);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_matches_the_expected_matrix(int number, string upstream)
    {
        var testCase = ConformanceCases.All.Single(c => c.Number == number);
        Assert.Equal(upstream, testCase.Upstream);
        var started = lab.Elapsed;
        await ResetAsync(testCase.Steps[0].Probes);
        var labelled = new List<(string Kind, string Name, string Key)>();
        try
        {
            for (var i = 0; i < testCase.Steps.Count; i++)
            {
                var step = testCase.Steps[i];
                var stepStarted = DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(50);
                foreach (var manifest in step.Apply)
                {
                    var applied = await lab.PlexusAsync(["apply", "-f", "-"], lab.Expand(manifest));
                    Assert.True(applied.Code == 0, applied.Output);
                }

                if (step.DeleteAllPolicies)
                {
                    await lab.DeleteAllPoliciesAsync();
                }

                foreach (var label in step.Label)
                {
                    var words = label.Split(' ');
                    var result = await lab.PlexusAsync(["label", .. words]);
                    Assert.True(result.Code == 0, result.Output);
                    labelled.AddRange(words.Skip(2).Select(w => (words[0], words[1], w.Split('=')[0].TrimEnd('-'))));
                }

                foreach (var pod in step.Recreate)
                {
                    await lab.RecreateAsync(pod);
                }

                foreach (var probe in step.Probes)
                {
                    var expected = DenialNotation.Parse(probe.Denied);
                    var problem = await lab.ExpectAsync(probe, expected, ConformanceLab.Settle);
                    Assert.True(problem is null, $"case {number} step {i + 1}: {problem}");

                    // Observability (issue #7): every denied probe is a DROPPED flow, every allowed one FORWARDED.
                    var flows = await lab.VerifyFlowsAsync(probe, expected, stepStarted);
                    Assert.True(flows is null, $"case {number} step {i + 1} flows: {flows}");
                }
            }
        }
        finally
        {
            await lab.DeleteAllPoliciesAsync();
            foreach (var (kind, name, key) in labelled.Distinct())
            {
                await lab.PlexusAsync(["label", kind, name, key + "-"]);
            }

            output.WriteLine($"case {number}: {(lab.Elapsed - started).TotalSeconds:0.0} s (lab time {lab.Elapsed.TotalSeconds:0} s)");
        }
    }

    [Fact(Skip = NoSctp)]
    public void Case_46_sctp_default_deny_ingress()
    {
    }

    [Fact(Skip = NoSctp)]
    public void Case_47_sctp_policy_based_on_ports()
    {
    }

    [Fact(Skip = NoSctp)]
    public void Case_48_sctp_pod_and_namespace_selector()
    {
    }

    /// <summary>No policy: every pair on every port the case probes is allowed again (the previous case's state is gone).</summary>
    private async Task ResetAsync(IEnumerable<ConformanceProbe> probes)
    {
        await lab.DeleteAllPoliciesAsync();
        foreach (var probe in probes.DistinctBy(p => (p.Port, p.Protocol, p.To)))
        {
            var problem = await lab.ExpectAsync(probe, DenialNotation.Parse("none"), TimeSpan.FromSeconds(30));
            Assert.True(problem is null, $"clean state not reached: {problem}");
        }
    }
}
