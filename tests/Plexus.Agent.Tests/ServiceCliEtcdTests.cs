using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Cli;
using Plexus.Cli.Infrastructure;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>
/// <c>plexus apply</c> → service controller → <c>plexus get service</c> and <c>plexus services</c>, through a real etcd
/// (the CLI runs in-process on its own client; the controller on another, as an agent would).
/// </summary>
[Collection(EtcdCollection.Name)]
public sealed class ServiceCliEtcdTests(EtcdFixture etcd)
{
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: 8080}
          - {name: dns, port: 53, protocol: UDP}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
        """;

    [Fact]
    public async Task An_applied_service_gets_its_cluster_IP_node_ports_and_load_balancer_address_in_get_and_services()
    {
        await using var cliStore = await etcd.CreateEmptyStoreAsync();
        await using var agentStore = etcd.CreateStore();
        var datapath = new FakeServiceDatapath();
        var controller = new ServiceController(agentStore, Config(), TimeProvider.System, NullLoggerFactory.Instance);
        await using var agent = Running.Start(ct => controller.RunAsync(datapath, ct));
        await agentStore.PutAsync(StoreKeys.Endpoint("c1", "n1", 1), new EndpointRecord
        {
            Id = 1, Cluster = "c1", Node = "n1", Namespace = "shop", Pod = "web-1", Ip = "10.1.1.10", Identity = 1000, State = EndpointState.Ready,
            Labels = IdentityLabels.ForPod("c1", "shop", new Dictionary<string, string> { ["app"] = "web" }).ToStrings(),
        }.ToJson());
        var file = Path.Combine(Path.GetTempPath(), $"plexus-svc-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, Manifest);
        try
        {
            var applied = await Plexus(cliStore, "apply", "-f", file);
            Assert.True(applied.Code == 0, applied.Error);
        }
        finally
        {
            File.Delete(file);
        }

        // web: 2 ports × (ClusterIP, NodePort, LoadBalancer); the headless db has none. Within about a second of the apply
        // (the bound is loose: the test machine is shared).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await WaitFor(() => datapath.Current.Count == 6 && datapath.Current.All(f => f.Backends.Count == 1));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"applied after {clock.Elapsed}");

        // The controller programs the datapath first, then writes the resolved records the CLI reads.
        JsonNode doc = null!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var get = await Plexus(cliStore, "get", "service", "web", "-n", "shop", "-o", "json");
            Assert.True(get.Code == 0, get.Error);
            doc = JsonNode.Parse(get.Out)!;
            if (doc["spec"]?["clusterIP"] is not null && doc["status"]?["loadBalancer"]?["ingress"]?[0] is not null)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no resolved record in time: {get.Out}");
            await Task.Delay(50);
        }

        var clusterIp = IPAddress.Parse((string)doc["spec"]!["clusterIP"]!);
        Assert.True(Cidr.Parse("10.96.0.0/12").Contains(clusterIp), $"{clusterIp} is not in the service CIDR");
        Assert.Equal([clusterIp.ToString()], doc["spec"]!["clusterIPs"]!.AsArray().Select(n => (string)n!));
        var nodePorts = doc["spec"]!["ports"]!.AsArray().Select(p => (int)p!["nodePort"]!).ToList();
        Assert.All(nodePorts, p => Assert.InRange(p, 30000, 32767));
        var lb = (string)doc["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!;
        Assert.True(Cidr.Parse("203.0.113.240/28").Contains(IPAddress.Parse(lb)));

        var headless = JsonNode.Parse((await Plexus(cliStore, "get", "svc", "db", "-n", "shop", "-o", "json")).Out)!;
        Assert.Equal("None", (string?)headless["spec"]!["clusterIP"]);

        var table = await Plexus(cliStore, "get", "services", "-n", "shop");
        Assert.Matches($@"(?m)^web\s+LoadBalancer\s+{Regex(clusterIp.ToString())}\s+{Regex(lb)}\s+80:{nodePorts[0]}/TCP,53:{nodePorts[1]}/UDP\s", table.Out);

        var services = await Plexus(cliStore, "services", "-o", "json");
        Assert.True(services.Code == 0, services.Error);
        var frontends = JsonNode.Parse(services.Out)!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Equal(7, frontends.Count); // web: 2 ports × (ClusterIP, NodePort, LoadBalancer); db: headless
        var http = Assert.Single(frontends, f => (string?)f["kind"] == "ClusterIP" && (string?)f["protocol"] == "TCP");
        Assert.Equal((clusterIp.ToString(), 80), ((string?)http["address"], (int)http["port"]!));
        var backend = Assert.Single(http["backends"]!.AsArray())!;
        Assert.Equal(("shop/web-1", "10.1.1.10", 8080), ((string?)backend["pod"], (string?)backend["address"], (int)backend["port"]!));
        Assert.Null(backend["connections"]); // no agent answered: counts unknown

        var listing = await Plexus(cliStore, "services", "-n", "shop");
        Assert.Matches($@"(?m)^NAMESPACE\s+SERVICE\s+KIND\s+FRONTEND\s+BACKENDS$", listing.Out);
        Assert.Matches($@"(?m)^shop\s+web\s+NodePort\s+\*:{nodePorts[0]}/TCP\s+10\.1\.1\.10:8080$", listing.Out);
        Assert.Matches($@"(?m)^shop\s+web\s+LoadBalancer\s+{Regex(lb)}:53/UDP\s+10\.1\.1\.10:53$", listing.Out);
        Assert.Matches(@"(?m)^shop\s+db\s+Headless\s+<none>\s+<none>$", listing.Out);
        Assert.Contains("Connection counts unknown", listing.Error, StringComparison.Ordinal);
    }

    private static AgentConfig Config() => new()
    {
        Node = "n1",
        Cluster = "c1",
        Store = new StoreOptions { Url = "etcd://unused" },
        ApiSocket = "/nonexistent/agent.sock",
        StateDir = "/nonexistent",
        BpfPinDirectory = "/nonexistent",
        LoadBalancerPools = [Cidr.Parse("203.0.113.240/28")],
    };

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private static async Task<(int Code, string Out, string Error)> Plexus(IStore store, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext { Out = stdout, Error = stderr, Store = store });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
