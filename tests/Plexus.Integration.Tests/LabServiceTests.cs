using System.Net;
using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;
using Plexus.Model;

namespace Plexus.Integration.Tests;

/// <summary>Services in a running lab: the control plane (today) and real traffic through the service datapath (once it lands).</summary>
[Collection(LabCollection.Name)]
public sealed class LabServiceTests
{
    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: x}
        spec:
          type: LoadBalancer
          selector: {pod: b}
          ports:
          - {name: http, port: 80, targetPort: http}
        """;

    [Fact]
    public async Task An_applied_service_gets_addresses_and_its_named_port_resolves_to_the_pod_on_the_other_node()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        var status = await lab.UpAsync();
        var b = LabUnderTest.Pod(status, "x", "b");
        var apply = await Cli.RunAsync("plexus", ["--lab", lab.Name, "apply", "-f", "-"], stdin: Service);
        Assert.True(apply.ExitCode == 0, apply.ToString());

        JsonArray frontends = [];
        await Wait.UntilAsync(async () =>
        {
            var result = await lab.PlexusAsync("services", "-n", "x", "-o", "json");
            frontends = result.ExitCode == 0 ? JsonNode.Parse(result.Stdout)!.AsArray() : [];
            return frontends.Count == 3 && frontends.All(f => f!["backends"]!.AsArray().Count == 1);
        }, TimeSpan.FromSeconds(10), "three frontends with a backend");

        var backend = frontends[0]!["backends"]![0]!;
        Assert.Equal(((string?)b["ip"], 8080, "x/b"), ((string?)backend["address"], (int)backend["port"]!, (string?)backend["pod"]));
        var get = await lab.PlexusAsync("get", "service", "web", "-n", "x", "-o", "json");
        var doc = JsonNode.Parse(get.Stdout)!;
        Assert.True(Cidr.Parse("10.96.0.0/12").Contains(IPAddress.Parse((string)doc["spec"]!["clusterIP"]!)));
        Assert.InRange((int)doc["spec"]!["ports"]![0]!["nodePort"]!, 30000, 32767);
        Assert.True(Cidr.Parse("172.20.1.240/28").Contains(IPAddress.Parse((string)doc["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!)));
    }
}
