using System.Diagnostics;

namespace Plexus.Integration.Tests;

/// <summary>Policy on a real lab: a default-deny CiliumNetworkPolicy stops new connections and an allow rule lets them through, each within 1 s of <c>plexus apply</c>.</summary>
[Collection(LabCollection.Name)]
public sealed class LabPolicyTests
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Default_deny_makes_a_probe_fail_and_an_allow_rule_makes_it_pass_within_a_second_of_apply()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        await lab.UpAsync();
        await AssertProbe(lab, "x/a", "x/b:8080/tcp", expectConnected: true);
        var file = Path.Combine(Path.GetTempPath(), $"{lab.Name}-policy.yaml");
        try
        {
            await File.WriteAllTextAsync(file, """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: b-isolated, namespace: x}
                spec:
                  endpointSelector: {matchLabels: {pod: b}}
                  ingress: [{}]
                """);
            await ApplyAndWait(lab, file);
            await AssertProbe(lab, "x/a", "x/b:8080/tcp", expectConnected: false);

            await File.WriteAllTextAsync(file, """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: b-from-a, namespace: x}
                spec:
                  endpointSelector: {matchLabels: {pod: b}}
                  ingress:
                  - fromEndpoints: [{matchLabels: {pod: a}}]
                    toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
                """);
            await ApplyAndWait(lab, file);
            await AssertProbe(lab, "x/a", "x/b:8080/tcp", expectConnected: true);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Applies, then waits out the promised propagation time: what a probe sees after it is what the datapath enforces.</summary>
    private static async Task ApplyAndWait(LabUnderTest lab, string file)
    {
        var applied = await lab.PlexusAsync("apply", "-f", file);
        var since = Stopwatch.StartNew();
        Assert.True(applied.ExitCode == 0, applied.ToString());
        var left = Propagation - since.Elapsed;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }

    private static async Task AssertProbe(LabUnderTest lab, string from, string to, bool expectConnected)
    {
        var result = await lab.PlexusAsync("lab", "probe", from, to, "--timeout", "1s");
        Assert.True((result.ExitCode == 0) == expectConnected, $"{from} -> {to}: expected {(expectConnected ? "connected" : "refused")}, {result}");
    }
}
