using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Datapath.Services;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>The service controller over the in-memory store with a recording datapath: allocation, resolution, frontends, records.</summary>
public sealed class ServiceControllerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly InMemoryStore _store = new();
    private readonly List<(ServiceController Controller, FakeServiceDatapath Datapath, Running Loop)> _agents = [];
    private int _nextEndpoint = 1;

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.Loop.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    [Fact]
    public async Task A_ClusterIP_service_gets_an_address_in_the_service_CIDR_and_a_frontend_per_port_with_the_selected_ready_pods()
    {
        var (_, datapath) = Start();
        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" });
        await Pod("shop", "web-2", "n2", "10.1.2.10", new() { ["app"] = "web", ["tier"] = "front" });
        await Pod("shop", "db", "n1", "10.1.1.11", new() { ["app"] = "db" });
        await Pod("other", "web-x", "n1", "10.1.1.12", new() { ["app"] = "web" });
        await Pod("shop", "web-3", "n1", "10.1.1.13", new() { ["app"] = "web" }, state: EndpointState.Regenerating);
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              selector: {app: web}
              ports:
              - {name: http, port: 80, targetPort: 8080}
              - {name: dns, port: 53, protocol: UDP}
            """);

        var record = await Status("shop", "web", r => r.Ports.All(p => p.Backends.Count == 2));

        Assert.True(Cidr.Parse("10.96.0.0/12").Contains(IPAddress.Parse(record.ClusterIP!)));
        Assert.Empty(record.Errors);
        var frontends = await Frontends(datapath, 2);
        var http = Assert.Single(frontends, f => f.Protocol == 6);
        Assert.Equal((ServiceFrontendKind.ClusterIP, IPAddress.Parse(record.ClusterIP!), 80, "shop/web", "http"), (http.Kind, http.Address, http.Port, http.Service, http.PortName));
        Assert.Equal(["10.1.1.10:8080", "10.1.2.10:8080"], http.Backends.Select(b => $"{b.Address}:{b.Port}"));
        Assert.Equal(["shop/web-1", "shop/web-2"], http.Backends.Select(b => b.Pod));
        var dns = Assert.Single(frontends, f => f.Protocol == 17);
        Assert.Equal((53, null), (dns.Port, dns.AffinityTimeoutSeconds));
        Assert.Equal(["10.1.1.10:53", "10.1.2.10:53"], dns.Backends.Select(b => $"{b.Address}:{b.Port}"));
    }

    [Fact]
    public async Task Explicit_cluster_IP_and_node_ports_are_claimed_and_node_port_frontends_listen_on_every_address()
    {
        var (_, datapath) = Start();
        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" });
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              type: NodePort
              clusterIP: 10.96.0.50
              selector: {app: web}
              ports:
              - {name: a, port: 80, nodePort: 30080}
              - {name: b, port: 81}
            """);

        var record = await Status("shop", "web", r => r.Ports.All(p => p.Backends.Count == 1));

        Assert.Equal("10.96.0.50", record.ClusterIP);
        Assert.Equal(30080, record.Ports[0].NodePort);
        Assert.InRange(record.Ports[1].NodePort!.Value, 30000, 32767);
        var frontends = await Frontends(datapath, 4);
        var nodePorts = frontends.Where(f => f.Kind == ServiceFrontendKind.NodePort).OrderBy(f => f.PortName).ToList();
        Assert.Equal([IPAddress.Any, IPAddress.Any], nodePorts.Select(f => f.Address));
        Assert.Equal([30080, record.Ports[1].NodePort!.Value], nodePorts.Select(f => f.Port));
        Assert.Equal(["10.1.1.10:80", "10.1.1.10:81"], nodePorts.Select(f => $"{f.Backends[0].Address}:{f.Backends[0].Port}"));
        Assert.NotNull(await _store.GetAsync("plexus/services-nodeport/c1/30080/tcp"));
        Assert.NotNull(await _store.GetAsync("plexus/services-ip/c1/10.96.0.50"));
    }

    [Fact]
    public async Task A_headless_service_gets_no_address_and_no_frontends_but_its_backends_are_resolved()
    {
        var (controller, datapath) = Start();
        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" });
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
            """);

        var record = await Status("shop", "web", r => r.Ports[0].Backends.Count == 1);

        Assert.Equal("None", record.ClusterIP);
        Assert.Empty((await _store.ListAsync("plexus/services-ip/c1/")).Items);
        await WaitFor(() => controller.State.At is not null);
        Assert.Empty(datapath.Current);
    }

    [Fact]
    public async Task A_named_target_port_resolves_per_pod_and_a_pod_without_that_name_is_no_backend()
    {
        var (_, datapath) = Start();
        await Pod("shop", "a", "n1", "10.1.1.10", new() { ["app"] = "web" }, ports: [new() { Port = 8080, Protocol = "TCP", Name = "http" }]);
        await Pod("shop", "b", "n2", "10.1.2.10", new() { ["app"] = "web" }, ports: [new() { Port = 9090, Protocol = "TCP", Name = "http" }]);
        await Pod("shop", "c", "n2", "10.1.2.11", new() { ["app"] = "web" }, ports: [new() { Port = 80, Protocol = "UDP", Name = "http" }]);
        await Pod("shop", "d", "n2", "10.1.2.12", new() { ["app"] = "web" });
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
            """);

        var record = await Status("shop", "web", r => r.Ports[0].Backends.Count == 2);

        Assert.Equal("http", record.Ports[0].TargetPort);
        Assert.Equal(["10.1.1.10:8080", "10.1.2.10:9090"], record.Ports[0].Backends.Select(b => $"{b.Ip}:{b.Port}"));
        var frontend = Assert.Single(await Frontends(datapath, 1));
        Assert.Equal([8080, 9090], frontend.Backends.Select(b => b.Port));
    }

    [Fact]
    public async Task ClientIP_affinity_carries_its_timeout_defaulting_to_three_hours()
    {
        var (_, datapath) = Start();
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: sticky, namespace: shop}
            spec: {selector: {app: web}, sessionAffinity: ClientIP, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: short, namespace: shop}
            spec:
              selector: {app: web}
              sessionAffinity: ClientIP
              sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
              ports: [{port: 80}]
            """);

        var frontends = await Frontends(datapath, 2);

        Assert.Equal(10800, Assert.Single(frontends, f => f.Service == "shop/sticky").AffinityTimeoutSeconds);
        Assert.Equal(60, Assert.Single(frontends, f => f.Service == "shop/short").AffinityTimeoutSeconds);
        Assert.Empty(frontends[0].Backends); // no pod selected: the frontend exists and refuses
    }

    [Fact]
    public async Task A_LoadBalancer_service_gets_an_address_from_the_pool_and_frontends_on_it()
    {
        var (_, datapath) = Start(pools: ["172.20.1.240/28"]);
        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" });
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
            """);

        var record = await Status("shop", "web", r => r.Ports[0].Backends.Count == 1);

        var lb = Assert.Single(record.LoadBalancerIPs);
        Assert.True(Cidr.Parse("172.20.1.240/28").Contains(IPAddress.Parse(lb)));
        var frontends = await Frontends(datapath, 3);
        Assert.Equal(
            [ServiceFrontendKind.ClusterIP, ServiceFrontendKind.NodePort, ServiceFrontendKind.LoadBalancer],
            frontends.Select(f => f.Kind).Order());
        var lbFrontend = Assert.Single(frontends, f => f.Kind == ServiceFrontendKind.LoadBalancer);
        Assert.Equal((IPAddress.Parse(lb), 80), (lbFrontend.Address, lbFrontend.Port));
    }

    [Fact]
    public async Task Without_a_pool_a_LoadBalancer_service_is_served_on_its_cluster_IP_and_node_port_and_its_address_stays_pending()
    {
        var (_, datapath) = Start();
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
            """);

        var record = await Status("shop", "web", _ => true);

        Assert.Empty(record.LoadBalancerIPs);
        Assert.Empty(record.Errors);
        Assert.Contains("--lb-pool", Assert.Single(record.Warnings), StringComparison.Ordinal);
        Assert.NotNull(record.ClusterIP);
        Assert.NotNull(record.Ports[0].NodePort);
        Assert.Equal([ServiceFrontendKind.ClusterIP, ServiceFrontendKind.NodePort], (await Frontends(datapath, 2)).Select(f => f.Kind).Order());
    }

    [Fact]
    public async Task A_conflicting_explicit_cluster_IP_is_reported_in_the_record_and_not_served()
    {
        var (_, datapath) = Start();
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: first, namespace: shop}
            spec: {clusterIP: 10.96.0.60, ports: [{port: 80}]}
            """);
        await Status("shop", "first", _ => true);
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: second, namespace: shop}
            spec: {clusterIP: 10.96.0.60, ports: [{port: 81}]}
            """);

        var record = await Status("shop", "second", _ => true);

        Assert.Null(record.ClusterIP);
        Assert.Contains("already allocated to shop/first", Assert.Single(record.Errors), StringComparison.Ordinal);
        Assert.Equal(["shop/first"], (await Frontends(datapath, 1)).Select(f => f.Service));
    }

    [Fact]
    public async Task Deleting_a_service_releases_its_allocations_removes_its_record_and_its_frontends()
    {
        var (_, datapath) = Start(pools: ["172.20.1.240/28"]);
        var key = await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {type: LoadBalancer, ports: [{port: 80, name: http}, {port: 53, protocol: UDP, name: dns}], selector: {app: web}}
            """);
        await Status("shop", "web", _ => true);
        Assert.Equal(2, (await _store.ListAsync("plexus/services-ip/c1/")).Items.Count);
        Assert.Equal(2, (await _store.ListAsync("plexus/services-nodeport/c1/")).Items.Count);

        await _store.DeleteAsync(key);

        await WaitFor(async () => await _store.GetAsync(StoreKeys.Service("c1", "shop", "web")) is null);
        Assert.Empty((await _store.ListAsync("plexus/services-ip/c1/")).Items);
        Assert.Empty((await _store.ListAsync("plexus/services-nodeport/c1/")).Items);
        await WaitFor(() => datapath.Current.Count == 0 && datapath.SyncCount > 1);
    }

    [Fact]
    public async Task Backends_follow_endpoints_that_come_go_and_become_ready()
    {
        var (_, datapath) = Start();
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            """);
        await Frontends(datapath, 1);
        var key = await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" }, state: EndpointState.Regenerating);
        await Pod("shop", "web-2", "n2", "10.1.2.10", new() { ["app"] = "web" });
        await WaitFor(() => datapath.Current is [{ Backends.Count: 1 }]);

        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" }, id: int.Parse(key.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture));
        await WaitFor(() => datapath.Current is [{ Backends.Count: 2 }]);
        await _store.DeleteAsync(key);

        await WaitFor(() => datapath.Current is [{ Backends: [{ Pod: "shop/web-2" }] }]);
        await Status("shop", "web", r => r.Ports[0].Backends is [{ Pod: "shop/web-2" }]);
    }

    [Fact]
    public async Task Two_agents_agree_on_the_record_and_do_not_rewrite_it_once_it_is_settled()
    {
        var (_, one) = Start(node: "n1");
        var (_, two) = Start(node: "n2");
        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" });
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}
            """);
        await Status("shop", "web", r => r.Ports[0].Backends.Count == 1);
        await WaitFor(() => one.Current.Count == 2 && two.Current.Count == 2);
        Assert.Equal(one.Current.Select(ServiceFrontends.Signature).Order(), two.Current.Select(ServiceFrontends.Signature).Order());

        var settled = await _store.GetAsync(StoreKeys.Service("c1", "shop", "web"));
        await Pod("shop", "unrelated", "n2", "10.1.2.99", new() { ["app"] = "other" }); // wakes both controllers
        await Task.Delay(TimeSpan.FromMilliseconds(400));

        var after = await _store.GetAsync(StoreKeys.Service("c1", "shop", "web"));
        Assert.Equal(settled!.ModRevision, after!.ModRevision);
        Assert.True(after.Version <= 3, $"the record was written {after.Version} times");
        Assert.Single((await _store.ListAsync("plexus/services-ip/c1/")).Items);
    }

    [Fact]
    public async Task Pod_churn_re_resolves_only_the_services_whose_backends_change()
    {
        var (controller, datapath) = Start();
        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" });
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            """);
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: shop}
            spec: {selector: {app: api}, ports: [{port: 80}]}
            """);
        await Status("shop", "web", r => r.Ports[0].Backends.Count == 1);
        await Status("shop", "api", r => r.Ports[0].Backends.Count == 0);
        await Frontends(datapath, 2);
        var web = controller.Resolved["shop/web"];
        var webRecord = await _store.GetAsync(StoreKeys.Service("c1", "shop", "web"));
        var syncs = datapath.SyncCount;

        // A pod no Service selects, then one that only api selects: web's resolution is kept as it was (the same
        // object), its record is not rewritten, and the datapath is synced once, for api.
        await Pod("shop", "batch-1", "n1", "10.1.1.20", new() { ["app"] = "batch" });
        await Pod("shop", "api-1", "n1", "10.1.1.30", new() { ["app"] = "api" });
        await Status("shop", "api", r => r.Ports[0].Backends.Count == 1);
        await WaitFor(() => datapath.Current.Any(f => f.Backends.Count == 1 && f.Backends[0].Address.ToString() == "10.1.1.30"));

        Assert.Same(web, controller.Resolved["shop/web"]);
        Assert.Equal(webRecord!.ModRevision, (await _store.GetAsync(StoreKeys.Service("c1", "shop", "web")))!.ModRevision);
        Assert.Equal(1, datapath.SyncCount - syncs);
    }

    [Fact]
    public async Task A_burst_of_services_is_applied_in_a_few_syncs()
    {
        var (controller, datapath) = Start();
        await WaitFor(() => controller.State.At is not null);
        var before = datapath.SyncCount;

        for (var i = 0; i < 200; i++)
        {
            await Apply($$"""
                apiVersion: v1
                kind: Service
                metadata: {name: s{{i}}, namespace: shop}
                spec: {ports: [{port: 80}]}
                """);
        }

        await WaitFor(() => datapath.Current.Count == 200);
        Assert.InRange(datapath.SyncCount - before, 1, 3);
        Assert.Equal(200, datapath.Current.Select(f => f.Address).Distinct().Count());
    }

    [Fact]
    public async Task Two_agents_racing_on_a_burst_of_explicit_cluster_IPs_never_give_one_address_to_two_services()
    {
        var (_, one) = Start(node: "n1");
        var (_, two) = Start(node: "n2");
        await Pod("bulk", "server", "n2", "10.1.2.10", new() { ["role"] = "server" });

        // 300 Services with their own addresses, and 50 more each asking for the address of one of the first 300.
        static string Address(int j) => $"10.96.{1 + (j / 250)}.{(j % 250) + 1}";
        var manifest = string.Join("\n---\n", Enumerable.Range(0, 350).Select(i => $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: s{{i:D3}}, namespace: bulk}
            spec: {clusterIP: {{Address(i < 300 ? i : (i - 300) * 6)}}, selector: {role: server}, ports: [{port: 80, targetPort: 7200}]}
            """));
        await Apply(manifest);

        await WaitFor(async () => (await _store.ListAsync(StoreKeys.ServicesPrefix("c1", "bulk"))).Items.Count == 350);
        var records = (await _store.ListAsync(StoreKeys.ServicesPrefix("c1", "bulk"))).Items.Select(kv => ServiceStatusRecord.FromJson(kv.Value)!).ToList();
        var served = records.Where(r => r.Errors.Count == 0).ToList();
        Assert.Equal(served.Count, served.Select(r => r.ClusterIP).Distinct().Count());
        Assert.All(records.Where(r => r.Errors.Count > 0), r => Assert.Contains("already allocated", r.Errors[0], StringComparison.Ordinal));
        var claims = (await _store.ListAsync(StoreKeys.ServiceIpsPrefix("c1"))).Items.Select(kv => ServiceAllocationRecord.FromJson(kv.Value)!).ToList();
        Assert.Equal(served.Select(r => (r.Owner, r.ClusterIP)).Order(), claims.Select(c => (c.Owner, (string?)c.Value)).Order());
        await WaitFor(() => one.Current.Count == served.Count && two.Current.Count == served.Count);
        Assert.Equal(one.Current.Select(ServiceFrontends.Signature).Order(), two.Current.Select(ServiceFrontends.Signature).Order());
    }

    [Fact]
    public async Task A_failing_datapath_is_reported_and_the_records_are_still_written()
    {
        var datapath = new FakeServiceDatapath { Failure = new NotSupportedException("service datapath not built yet") };
        var controller = Start(datapath: datapath).Controller;
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}]}
            """);

        await Status("shop", "web", _ => true);

        await WaitFor(() => controller.State.Errors is [var e] && e.Contains("not built yet", StringComparison.Ordinal));
        datapath.Failure = null;
        await Pod("shop", "web-1", "n1", "10.1.1.10", new() { ["app"] = "web" }); // any change retries
        await WaitFor(() => datapath.Current.Count == 1);
    }

    [Fact]
    public async Task A_restarted_agent_reuses_the_records_allocations_and_cleans_up_services_deleted_while_it_was_down()
    {
        var first = Start();
        var keep = await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: keep, namespace: shop}
            spec: {type: NodePort, ports: [{port: 80}]}
            """);
        var drop = await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: drop, namespace: shop}
            spec: {ports: [{port: 80}]}
            """);
        var kept = await Status("shop", "keep", _ => true);
        await Status("shop", "drop", _ => true);
        await _agents[0].Loop.DisposeAsync();
        _agents.RemoveAt(0);
        await _store.DeleteAsync(drop);
        var revision = (await _store.GetAsync(StoreKeys.Service("c1", "shop", "keep")))!.ModRevision;

        var (_, datapath) = Start();

        await WaitFor(async () => await _store.GetAsync(StoreKeys.Service("c1", "shop", "drop")) is null);
        var frontends = await Frontends(datapath, 2);
        Assert.Equal(IPAddress.Parse(kept.ClusterIP!), Assert.Single(frontends, f => f.Kind == ServiceFrontendKind.ClusterIP).Address);
        Assert.Equal(kept.Ports[0].NodePort, Assert.Single(frontends, f => f.Kind == ServiceFrontendKind.NodePort).Port);
        Assert.Equal(revision, (await _store.GetAsync(StoreKeys.Service("c1", "shop", "keep")))!.ModRevision);
        Assert.Single((await _store.ListAsync("plexus/services-ip/c1/")).Items);
        Assert.NotNull(keep);
    }

    [Fact]
    public async Task An_invalid_stored_service_is_ignored_and_the_others_are_served()
    {
        var (_, datapath) = Start();
        await _store.PutAsync("plexus/resources/services/shop/broken", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"broken","namespace":"shop"},"spec":{"ports":[{"port":0}]}}""");
        await _store.PutAsync("plexus/resources/services/shop/garbage", "not json {");
        await Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}]}
            """);

        Assert.Equal(["shop/web"], (await Frontends(datapath, 1)).Select(f => f.Service));
        Assert.Null(await _store.GetAsync(StoreKeys.Service("c1", "shop", "broken")));
    }

    private (ServiceController Controller, FakeServiceDatapath Datapath) Start(string node = "n1", string[]? pools = null, FakeServiceDatapath? datapath = null)
    {
        var config = new AgentConfig
        {
            Node = node,
            Cluster = "c1",
            Store = new StoreOptions { Url = "memory://" },
            ApiSocket = "/nonexistent/agent.sock",
            StateDir = "/nonexistent",
            BpfPinDirectory = "/nonexistent",
            LoadBalancerPools = [.. (pools ?? []).Select(p => Cidr.Parse(p))],
            ServiceDebounce = TimeSpan.FromMilliseconds(20),
        };
        var controller = new ServiceController(_store, config, TimeProvider.System, NullLoggerFactory.Instance);
        datapath ??= new FakeServiceDatapath();
        var loop = Running.Start(ct => controller.RunAsync(datapath, ct));
        _agents.Add((controller, datapath, loop));
        return (controller, datapath);
    }

    private Task<string> Apply(string yaml) => StoredResources.ApplyAsync(_store, yaml);

    private async Task<string> Pod(
        string ns, string pod, string node, string ip, Dictionary<string, string> labels,
        EndpointState state = EndpointState.Ready, EndpointPortRecord[]? ports = null, int? id = null)
    {
        var record = new EndpointRecord
        {
            Id = id ?? _nextEndpoint++,
            Cluster = "c1",
            Node = node,
            Namespace = ns,
            Pod = pod,
            Ip = ip,
            Identity = 1000,
            Labels = IdentityLabels.ForPod("c1", ns, labels).ToStrings(),
            Ports = ports ?? [],
            State = state,
        };
        var key = StoreKeys.Endpoint("c1", node, record.Id);
        await _store.PutAsync(key, record.ToJson());
        return key;
    }

    private async Task<ServiceStatusRecord> Status(string ns, string name, Func<ServiceStatusRecord, bool> condition)
    {
        ServiceStatusRecord? record = null;
        await WaitFor(async () =>
        {
            var kv = await _store.GetAsync(StoreKeys.Service("c1", ns, name));
            record = kv is null ? null : ServiceStatusRecord.FromJson(kv.Value);
            return record is not null && condition(record);
        });
        return record!;
    }

    private static async Task<IReadOnlyList<ServiceFrontend>> Frontends(FakeServiceDatapath datapath, int count)
    {
        await WaitFor(() => datapath.Current.Count == count);
        return datapath.Current;
    }

    private static Task WaitFor(Func<bool> condition) => WaitFor(() => Task.FromResult(condition()));

    private static async Task WaitFor(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
