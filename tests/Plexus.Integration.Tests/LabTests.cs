using System.Diagnostics;
using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Posix;
using Plexus.Lab.Runtime;
using Plexus.Lab.Topology;

namespace Plexus.Integration.Tests;

/// <summary><c>plexus lab up/status/exec/down</c> end to end (DESIGN §5), as root, with real namespaces and processes.</summary>
[Collection(LabCollection.Name)]
public sealed class LabTests
{
    private static readonly string[] NodeKeys = ["cluster", "name", "netns", "address", "agentPid", "ready"];
    private static readonly string[] PodKeys = ["namespace", "name", "cluster", "node", "netns", "ip", "identity", "labels"];
    private static readonly string[] ExternalKeys = ["name", "address"];

    [Fact]
    public async Task Up_status_exec_and_down_leave_nothing_behind()
    {
        var linksBefore = LabUnderTest.RootLinks();
        var pids = new List<int>();
        await using (var lab = new LabUnderTest(LabUnderTest.SmallTopology))
        {
            var up = await lab.UpAsync();
            var status = await lab.StatusAsync();

            Assert.Equal(lab.Name, (string?)status["name"]);
            Assert.All(status["nodes"]!.AsArray(), n => Assert.Equal(NodeKeys, n!.AsObject().Select(p => p.Key)));
            Assert.All(status["pods"]!.AsArray(), p => Assert.Equal(PodKeys, p!.AsObject().Select(k => k.Key)));
            Assert.All(status["externals"]!.AsArray(), e => Assert.Equal(ExternalKeys, e!.AsObject().Select(k => k.Key)));
            var n1 = status["nodes"]!.AsArray().Select(n => n!.AsObject()).Single(n => (string?)n["name"] == "n1");
            Assert.Equal("c1", (string?)n1["cluster"]);
            Assert.Equal(LabNames.Node(lab.Name, "c1", "n1"), (string?)n1["netns"]);
            Assert.Equal("172.20.1.11", (string?)n1["address"]);
            Assert.True((bool)n1["ready"]!);
            var a = LabUnderTest.Pod(status, "x", "a");
            Assert.Equal("n1", (string?)a["node"]);
            Assert.Equal(LabNames.Pod(lab.Name, "c1", "x", "a"), (string?)a["netns"]);
            Assert.StartsWith("10.1.", (string?)a["ip"], StringComparison.Ordinal);
            Assert.True((long)a["identity"]! > 0);
            Assert.Equal("a", (string?)a["labels"]!["pod"]);
            Assert.Equal("198.51.100.10", (string?)status["externals"]![0]!["address"]);
            Assert.Equal((string?)a["ip"], (string?)LabUnderTest.Pod(up, "x", "a")["ip"]);

            // Idempotent: a second up finds everything running and changes nothing.
            var again = await lab.PlexusAsync("lab", "up", "-f", lab.File, "--timeout", "50s");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("supervisor running", again.Stdout, StringComparison.Ordinal);
            Assert.Equal(status.ToJsonString(), (await lab.StatusAsync()).ToJsonString());

            var addr = await lab.PlexusAsync("lab", "exec", "x/a", "--", "ip", "-br", "addr", "show", "eth0");
            Assert.True(addr.ExitCode == 0, addr.ToString());
            Assert.Contains((string)a["ip"]!, addr.Stdout, StringComparison.Ordinal);
            var node = await lab.PlexusAsync("lab", "exec", "node/c1/n1", "--", "sh", "-c", "ip -br addr show eth0; command -v plexus-probe; exit 3");
            Assert.Equal(3, node.ExitCode);
            Assert.Contains("172.20.1.11/24", node.Stdout, StringComparison.Ordinal);
            Assert.Contains("/bin/plexus-probe", node.Stdout, StringComparison.Ordinal);
            var unknown = await lab.PlexusAsync("lab", "exec", "x/zz", "--", "true");
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("x/a", unknown.Stderr, StringComparison.Ordinal);

            // Inside a lab, plexus get finds the lab's store by itself.
            var nodes = await lab.PlexusAsync("get", "nodes");
            Assert.True(nodes.ExitCode == 0, nodes.ToString());
            Assert.Matches(@"(?m)^c1\s+n2\s+Ready\s", nodes.Stdout);

            pids.AddRange(SupervisorProcess.Find(lab.Name));
            pids.AddRange(LabNames.All(LabInstance.Load(lab.Name).Topology).SelectMany(ns => NamespaceProcesses.List(NetNs.PathOf(ns))));
            Assert.True(pids.Count >= 6, $"supervisor, etcd, 2 agents, 3 probe servers; found {pids.Count}");

            var down = await Cli.PlexusAsync("lab", "down", lab.Name);
            Assert.True(down.ExitCode == 0, down.ToString());
            lab.AssertGone(pids);
            Assert.Equal(linksBefore, LabUnderTest.RootLinks());
            Assert.Contains("nothing to remove", (await Cli.PlexusAsync("lab", "down", lab.Name)).Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Down_cleans_up_after_kill_9_of_the_cli_and_the_supervisor_without_state()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        var cli = Process.Start(new ProcessStartInfo(Plexus.Lab.Processes.Binaries.FindPlexus("plexus")!, ["lab", "up", "-f", lab.File])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await Wait.UntilAsync(() => Task.FromResult(SupervisorProcess.Find(lab.Name).Count > 0), TimeSpan.FromSeconds(30), "supervisor started");
        cli.Kill();
        await cli.WaitForExitAsync();
        await Wait.UntilAsync(() => Task.FromResult(NamespaceProcesses.List(NetNs.PathOf(LabNames.Node(lab.Name, "c1", "n1"))).Count > 0),
            TimeSpan.FromSeconds(30), "agent started");
        var supervisor = SupervisorProcess.Find(lab.Name).Single();
        var children = LabNames.All(LabInstance.Load(lab.Name).Topology).SelectMany(ns => NamespaceProcesses.List(NetNs.PathOf(ns))).ToList();

        Signals.Send(supervisor, Signals.SigKill);
        Directory.Delete(lab.Paths.Directory, recursive: true);
        Directory.CreateDirectory(Path.Combine(LabPaths.PinRoot, $"{lab.Name}-c1-stale"));

        var down = await Cli.PlexusAsync("lab", "down", lab.Name);

        Assert.True(down.ExitCode == 0, down.ToString());
        lab.AssertGone([supervisor, .. children]);
    }

    [Fact]
    public async Task A_bad_lab_file_exits_2_naming_file_line_and_field_and_builds_nothing()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology.Replace("node: n2, labels: {pod: b}", "node: n3, labels: {pod: b}", StringComparison.Ordinal));

        var result = await Cli.PlexusAsync("lab", "up", "-f", lab.File);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{lab.File}:11:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.pods[1].node", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("has no node \"n3\"", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(NetNs.List(), n => n.StartsWith(LabNames.Prefix(lab.Name), StringComparison.Ordinal));
        Assert.False(Directory.Exists(lab.Paths.Directory));
    }

    [Fact]
    public async Task A_killed_agent_is_restarted_within_10_s_and_its_pods_still_answer()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        await lab.UpAsync();
        var before = (int)(await lab.StatusAsync())["nodes"]![0]!["agentPid"]!;

        Signals.Send(before, Signals.SigKill);
        var restarted = await Wait.UntilAsync(async () =>
            (await lab.StatusAsync())["nodes"]![0]!["agentPid"] is JsonNode pid && (int)pid != before, TimeSpan.FromSeconds(10), "agent restarted");

        Assert.True(restarted < TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(async () => await lab.StatusAsync() is var s && (bool)s["nodes"]![0]!["ready"]! && LabUnderTest.Pod(s, "x", "a")["ip"] is not null,
            TimeSpan.FromSeconds(30), "restarted agent ready with its pod's endpoint");
        var probe = await lab.PlexusAsync("lab", "probe", "x/b", "x/a:80/tcp", "--timeout", "2s");
        Assert.True(probe.ExitCode == 0, probe.ToString());
        Assert.Equal("x/a", probe.Stdout.Trim());
        Assert.Contains("agent c1/n1: restarted", await File.ReadAllTextAsync(lab.Paths.SupervisorLog), StringComparison.Ordinal);
    }
}
