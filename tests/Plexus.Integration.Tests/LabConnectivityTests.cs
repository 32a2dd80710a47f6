
namespace Plexus.Integration.Tests;

/// <summary>The connectivity matrix of <c>labs/matrix.yaml</c> through <c>plexus lab probe</c>: every pod reaches every other pod and the external host.</summary>
[Collection(LabCollection.Name)]
public sealed class LabConnectivityTests
{
    [Fact]
    public async Task Every_pod_reaches_every_other_pod_over_tcp_and_udp_and_the_external_sees_the_node_address()
    {
        await using var lab = LabUnderTest.FromRepository("matrix.yaml");
        var status = await lab.UpAsync();
        var pods = status["pods"]!.AsArray().Select(p => p!.AsObject()).ToList();
        var nodes = status["nodes"]!.AsArray().Select(n => n!.AsObject()).ToDictionary(n => (string)n["name"]!, n => (string)n["address"]!);
        var probes = new List<(string From, string To, string Expect)>();
        foreach (var from in pods)
        {
            var source = $"{from["namespace"]}/{from["name"]}";
            foreach (var to in pods.Where(p => p != from))
            {
                var target = $"{to["namespace"]}/{to["name"]}";
                probes.Add((source, $"{target}:80/tcp", target));
                probes.Add((source, $"{(string)to["ip"]!}:80/udp", target));
            }

            var node = nodes[(string)from["node"]!];
            probes.Add((source, "ext/world1:80/tcp", $"ext/world1 {node}"));
            probes.Add((source, "198.51.100.10:80/udp", $"ext/world1 {node}"));
        }

        var failures = new List<string>();
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(probes.Select(async probe =>
        {
            await gate.WaitAsync();
            try
            {
                var result = await lab.PlexusAsync("lab", "probe", probe.From, probe.To, "--timeout", "2s");
                if (result.ExitCode != 0 || result.Stdout.Trim() != probe.Expect)
                {
                    lock (failures)
                    {
                        failures.Add($"{probe.From} -> {probe.To}: expected \"{probe.Expect}\", {result}");
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.True(failures.Count == 0, $"{failures.Count} of {probes.Count} probes failed:\n{string.Join("\n", failures)}");
        Assert.Equal(6 * 5 * 2 + 6 * 2, probes.Count);
    }

    [Fact]
    public async Task A_closed_port_fails_with_exit_1_and_bad_targets_exit_2()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        await lab.UpAsync();

        var closed = await lab.PlexusAsync("lab", "probe", "x/a", "x/b:81/tcp", "--timeout", "500ms");
        var badPort = await lab.PlexusAsync("lab", "probe", "x/a", "x/b:http/tcp");
        var badProtocol = await lab.PlexusAsync("lab", "probe", "x/a", "x/b:80/sctp");
        var unknownPod = await lab.PlexusAsync("lab", "probe", "x/a", "x/nope:80/tcp");

        Assert.True(closed.ExitCode == 1, closed.ToString());
        Assert.True(badPort.ExitCode == 2, badPort.ToString());
        Assert.True(badProtocol.ExitCode == 2, badProtocol.ToString());
        Assert.True(unknownPod.ExitCode == 2, unknownPod.ToString());
    }
}
