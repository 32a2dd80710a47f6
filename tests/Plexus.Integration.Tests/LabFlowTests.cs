using System.Diagnostics;
using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;

namespace Plexus.Integration.Tests;

/// <summary>
/// Flows on a real lab: denied and allowed probes show up in <c>plexus observe</c> as Hubble JSON with the drop reason,
/// both pods and identities and the policy that decided; <c>--follow</c> shows new flows within a second.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class LabFlowTests : IAsyncLifetime
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);
    private readonly LabUnderTest _lab = new(LabUnderTest.SmallTopology);
    private JsonObject _status = [];

    /// <inheritdoc/>
    public async Task InitializeAsync() => _status = await _lab.UpAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task Denied_and_allowed_probes_are_flows_with_reason_pods_identities_and_the_deciding_policy()
    {
        var a = (uint)LabUnderTest.Pod(_status, "x", "a")["identity"]!;
        var b = (uint)LabUnderTest.Pod(_status, "x", "b")["identity"]!;

        // Default deny on b's ingress (it allows only pod=c): 133, decided by the policy that selects b.
        await ApplyAsync("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: b-isolated, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: b}}
              ingress: [{fromEndpoints: [{matchLabels: {pod: c}}]}]
            """);
        await ProbeAsync(expectConnected: false);
        var denied = await FlowAsync("--verdict", "DROPPED", "--to-pod", "x/b", "--from-pod", "x/a");
        Assert.Equal(133, (int)denied["drop_reason"]!);
        Assert.Equal("POLICY_DENIED", (string?)denied["drop_reason_desc"]);
        Assert.Equal(a, (uint)denied["source"]!["identity"]!);
        Assert.Equal(b, (uint)denied["destination"]!["identity"]!);
        Assert.Equal("x", (string?)denied["source"]!["namespace"]);
        Assert.Contains("k8s:pod=a", denied["source"]!["labels"]!.AsArray().Select(l => (string?)l));
        Assert.Equal("INGRESS", (string?)denied["traffic_direction"]);
        Assert.Equal("c1/n2", (string?)denied["node_name"]);
        Assert.Equal(8080, (int)denied["l4"]!["TCP"]!["destination_port"]!);
        Assert.True((bool)denied["l4"]!["TCP"]!["flags"]!["SYN"]!);
        Assert.Equal("b-isolated", (string?)denied["ingress_denied_by"]![0]!["name"]);

        // An allow rule: the first packet is FORWARDED and names it.
        await ApplyAsync("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: b-from-a, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: b}}
              ingress:
              - fromEndpoints: [{matchLabels: {pod: a}}]
                toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
            """);
        await ProbeAsync(expectConnected: true);
        var allowed = await FlowAsync("--verdict", "FORWARDED", "--to-pod", "x/b", "--from-pod", "x/a", "--node-name", "n2");
        Assert.Equal("b-from-a", (string?)allowed["ingress_allowed_by"]![0]!["name"]);
        Assert.Null(allowed["drop_reason_desc"]);

        // An explicit deny in a third policy wins: 181, decided by that policy.
        await ApplyAsync("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: deny-a, namespace: x}
            spec:
              endpointSelector: {matchLabels: {pod: b}}
              ingressDeny: [{fromEndpoints: [{matchLabels: {pod: a}}]}]
            """);
        await ProbeAsync(expectConnected: false);
        var explicitDeny = await FlowAsync("--verdict", "DROPPED", "--to-pod", "x/b", "--drop-reason", "POLICY_DENY");
        Assert.Equal(181, (int)explicitDeny["drop_reason"]!);
        Assert.Equal("deny-a", (string?)explicitDeny["ingress_denied_by"]![0]!["name"]);

        var compact = await _lab.PlexusAsync("observe", "--to-pod", "x/b", "--last", "50");
        Assert.True(compact.ExitCode == 0, compact.ToString());
        Assert.Contains("x/a:", compact.Stdout, StringComparison.Ordinal);
        Assert.Contains("-> x/b:8080 (ID:", compact.Stdout, StringComparison.Ordinal);
        Assert.Contains("DROPPED (TCP Flags: SYN) by CiliumNetworkPolicy/x/deny-a", compact.Stdout, StringComparison.Ordinal);

        var bad = await _lab.PlexusAsync("observe", "--verdict", "MAYBE");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--verdict MAYBE", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_shows_a_new_flow_within_a_second()
    {
        var path = Plexus.Lab.Processes.Binaries.FindPlexus("plexus")!;
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--lab", _lab.Name, "observe", "--follow", "--from-pod", "x/a", "--to-ip", "198.51.100.10", "-o", "json" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        var reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }

            lines.CompleteAdding();
        });
        try
        {
            // The follower may connect after the first probe: probe until one probe's flow arrives, and time that one.
            TimeSpan? seen = null;
            for (var attempt = 0; attempt < 10 && seen is null; attempt++)
            {
                var probed = Stopwatch.StartNew();
                var probe = await _lab.PlexusAsync("lab", "probe", "x/a", "198.51.100.10:80/tcp", "--timeout", "1s");
                Assert.True(probe.ExitCode == 0, probe.ToString());
                while (lines.TryTake(out var line, TimeSpan.FromSeconds(1) - probed.Elapsed < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(1) - probed.Elapsed))
                {
                    var flow = JsonNode.Parse(line)!["flow"];
                    if ((string?)flow?["IP"]?["destination"] == "198.51.100.10" && (int?)flow?["l4"]?["TCP"]?["destination_port"] == 80)
                    {
                        seen = probed.Elapsed;
                        break;
                    }
                }
            }

            Assert.True(seen is not null, "no flow of a probe reached 'plexus observe --follow' within 1 s of the probe, in 10 tries");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await reading;
        }
    }

    [Fact]
    public async Task Events_lost_while_an_agent_stalls_are_counted_and_shown_and_the_agent_answers_after()
    {
        var n2 = _status["nodes"]!.AsArray().Select(n => n!.AsObject()).Single(n => (string?)n["name"] == "n2");
        var agentPid = (int)n2["agentPid"]!;
        var b = (string)LabUnderTest.Pod(_status, "x", "b")["ip"]!;
        var probe = Plexus.Lab.Processes.Binaries.FindPlexus("plexus-probe")!;

        // With n2's agent frozen nothing drains n2's kernel ring (4 MiB, about 47,000 events): 80,000 new flows overflow it.
        Assert.True(Plexus.Interop.Posix.Signals.Send(agentPid, Plexus.Interop.Posix.Signals.SigStop));
        Cli.Result flood;
        try
        {
            flood = await _lab.PlexusAsync("lab", "exec", "x/a", "--", probe, "flood", b, "--count", "80000");
        }
        finally
        {
            Plexus.Interop.Posix.Signals.Send(agentPid, Plexus.Interop.Posix.Signals.SigCont);
        }

        Assert.True(flood.ExitCode == 0, flood.ToString());
        Assert.True((long)JsonNode.Parse(flood.Stdout.Trim().Split('\n')[^1])!["sent"]! == 80_000, flood.ToString());

        // The losses are reported where users look: the stream (a lost_events line) and the compact output.
        var deadline = Stopwatch.StartNew();
        long lost = 0;
        while (lost == 0)
        {
            var json = await _lab.PlexusAsync("observe", "--node-name", "n2", "--last", "1", "-o", "json");
            Assert.True(json.ExitCode == 0, json.ToString());
            lost = json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["lost_events"])
                .Where(e => (string?)e?["source"] == "PERF_EVENT_RING_BUFFER").Sum(e => (long)e!["num_events_lost"]!);
            Assert.True(lost > 0 || deadline.Elapsed < TimeSpan.FromSeconds(10), $"no kernel ring loss reported after the stall: {json}");
            if (lost == 0)
            {
                await Task.Delay(200);
            }
        }

        Assert.InRange(lost, 10_000, 80_000);
        var compact = await _lab.PlexusAsync("observe", "--node-name", "n2", "--last", "1");
        Assert.Contains("EVENTS LOST: PERF_EVENT_RING_BUFFER", compact.Stdout, StringComparison.Ordinal);

        // The agent kept what fitted, and answers.
        var answered = Stopwatch.StartNew();
        var status = await _lab.PlexusAsync("observe", "--node-name", "n2", "--from-pod", "x/a", "--protocol", "udp", "--last", "10", "-o", "json");
        Assert.True(status.ExitCode == 0 && answered.Elapsed < TimeSpan.FromSeconds(5), status.ToString());
        Assert.Contains("\"UDP\"", status.Stdout, StringComparison.Ordinal);
    }

    private async Task ApplyAsync(string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{_lab.Name}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var applied = await _lab.PlexusAsync("apply", "-f", file);
            Assert.True(applied.ExitCode == 0, applied.ToString());
            await Task.Delay(Propagation);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task ProbeAsync(bool expectConnected)
    {
        var result = await _lab.PlexusAsync("lab", "probe", "x/a", "x/b:8080/tcp", "--timeout", "1s");
        Assert.True((result.ExitCode == 0) == expectConnected, $"x/a -> x/b:8080: expected {(expectConnected ? "connected" : "refused")}, {result}");
    }

    /// <summary>The newest flow matching <paramref name="filters"/>, from <c>plexus observe -o json</c> (waiting up to 2 s for it).</summary>
    private async Task<JsonObject> FlowAsync(params string[] filters)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await _lab.PlexusAsync(["observe", .. filters, "--last", "1", "-o", "json"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            var line = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).LastOrDefault(l => l["flow"] is not null);
            if (line is not null)
            {
                Assert.Equal((string?)line["node_name"], (string?)line["flow"]!["node_name"]);
                return line["flow"]!.AsObject();
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(2), $"no flow for {string.Join(' ', filters)}: {result}");
            await Task.Delay(100);
        }
    }
}
