using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;

namespace Plexus.Integration.Tests;

/// <summary>
/// <c>plexus policy trace</c> on a real lab: with no policy, a deny and then an allow, the trace names the policy, the
/// reason and the verdict, exits 0 when allowed and 1 when dropped, and agrees with a real <c>plexus lab probe</c>;
/// bad input exits 2 naming the flag.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class PolicyTraceTests
{
    private static readonly TimeSpan Enforced = TimeSpan.FromSeconds(10);

    private const string Deny = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: b-deny, namespace: x}
        spec:
          endpointSelector: {matchLabels: {pod: b}}
          ingressDeny:
          - fromEndpoints: [{matchLabels: {pod: a}}]
            toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
        """;

    private const string Allow = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: b-from-a, namespace: x}
        spec:
          endpointSelector: {matchLabels: {pod: b}}
          ingress:
          - fromEndpoints: [{matchLabels: {pod: a}}]
            toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
        """;

    [Fact]
    public async Task Trace_names_the_deny_and_the_allow_policy_agrees_with_a_probe_and_rejects_bad_input()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        await lab.UpAsync();

        var open = await TraceAsync(lab, "x/a", "x/b", "8080/tcp");
        Assert.Equal(("FORWARDED", 0), ((string?)open.Json["verdict"], open.ExitCode));
        Assert.Equal("not-enforced", (string?)open.Json["paths"]![0]!["ingress"]!["decision"]);
        await AssertProbe(lab, "x/b:8080/tcp", connected: true);

        await ApplyAsync(lab, "apply", Deny);
        var denied = await TraceUntilAsync(lab, "x/b", "8080/tcp", "DROPPED");
        var ingress = denied.Json["paths"]![0]!["ingress"]!;
        Assert.Equal(1, denied.ExitCode);
        Assert.Equal((181, "POLICY_DENY"), ((int)ingress["dropReason"]!, (string?)ingress["dropReasonDesc"]));
        Assert.Equal("CiliumNetworkPolicy/x/b-deny rule#0 ingressDeny#0", (string?)ingress["matched"]!["sources"]![0]);
        Assert.Equal("ingress", (string?)denied.Json["paths"]![0]!["decidedAt"]);
        await AssertProbe(lab, "x/b:8080/tcp", connected: false);

        var text = await lab.PlexusAsync("policy", "trace", "--from", "x/a", "--to", "x/b", "--port", "8080/tcp");
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("CiliumNetworkPolicy/x/b-deny rule#0 ingressDeny#0", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("RESULT  DROPPED (181 POLICY_DENY at ingress of x/b)", text.Stdout, StringComparison.Ordinal);

        await ApplyAsync(lab, "delete", Deny);
        await ApplyAsync(lab, "apply", Allow);
        var allowed = await TraceUntilAsync(lab, "x/b", "8080/tcp", "FORWARDED", mustMention: "b-from-a");
        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal("CiliumNetworkPolicy/x/b-from-a rule#0 ingress#0", (string?)allowed.Json["paths"]![0]!["ingress"]!["matched"]!["sources"]![0]);
        await AssertProbe(lab, "x/b:8080/tcp", connected: true);

        var other = await TraceAsync(lab, "x/a", "x/b", "9090/tcp");
        Assert.Equal((1, 133), (other.ExitCode, (int)other.Json["paths"]![0]!["ingress"]!["dropReason"]!));
        Assert.Equal("CiliumNetworkPolicy/x/b-from-a rule#0", (string?)other.Json["paths"]![0]!["ingress"]!["enforcedBy"]![0]);

        var world = await TraceAsync(lab, "x/a", "198.51.100.10", "80/tcp");
        Assert.Equal((0, 2), (world.ExitCode, (int)world.Json["paths"]![0]!["egress"]!["peer"]!["identity"]!));
        Assert.Null(world.Json["paths"]![0]!["ingress"]);
        await AssertProbe(lab, "198.51.100.10:80/tcp", connected: true);

        var unknown = await lab.PlexusAsync("policy", "trace", "--from", "x/zz", "--to", "x/b", "--port", "8080/tcp");
        var proto = await lab.PlexusAsync("policy", "trace", "--from", "x/a", "--to", "x/b", "--port", "8080/gre");
        var port = await lab.PlexusAsync("policy", "trace", "--from", "x/a", "--to", "x/b", "--port", "99999");

        Assert.True(unknown.ExitCode == 2 && unknown.Stderr.Contains("--from: pod x/zz not found", StringComparison.Ordinal), unknown.ToString());
        Assert.True(proto.ExitCode == 2 && proto.Stderr.Contains("--port", StringComparison.Ordinal), proto.ToString());
        Assert.True(port.ExitCode == 2 && port.Stderr.Contains("--port", StringComparison.Ordinal), port.ToString());
    }

    private static async Task<(int ExitCode, JsonObject Json)> TraceAsync(LabUnderTest lab, string from, string to, string port)
    {
        var result = await lab.PlexusAsync("policy", "trace", "--from", from, "--to", to, "--port", port, "-o", "json");
        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        return (result.ExitCode, JsonNode.Parse(result.Stdout)!.AsObject());
    }

    // The agents answer from what they last programmed: once the trace shows the new verdict, the datapath enforces it.
    private static async Task<(int ExitCode, JsonObject Json)> TraceUntilAsync(LabUnderTest lab, string to, string port, string verdict, string? mustMention = null)
    {
        (int, JsonObject) last = default;
        await Wait.UntilAsync(async () =>
        {
            last = await TraceAsync(lab, "x/a", to, port);
            return (string?)last.Item2["verdict"] == verdict && (mustMention is null || last.Item2.ToJsonString().Contains(mustMention, StringComparison.Ordinal));
        }, Enforced, $"trace x/a -> {to} {port} says {verdict}");
        return last;
    }

    private static async Task ApplyAsync(LabUnderTest lab, string verb, string manifest)
    {
        var result = await Cli.RunAsync("plexus", ["--lab", lab.Name, verb, "-f", "-"], stdin: manifest);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static async Task AssertProbe(LabUnderTest lab, string to, bool connected)
    {
        var result = await lab.PlexusAsync("lab", "probe", "x/a", to, "--timeout", "1s");
        Assert.True((result.ExitCode == 0) == connected, $"x/a -> {to}: the trace said {(connected ? "FORWARDED" : "DROPPED")}, the probe: {result}");
    }
}
