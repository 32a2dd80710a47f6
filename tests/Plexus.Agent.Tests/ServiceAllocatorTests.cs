using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;
using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>Cluster IPs, node ports and load-balancer IPs over the in-memory store.</summary>
public sealed class ServiceAllocatorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryStore _store;

    /// <summary>Creates the store.</summary>
    public ServiceAllocatorTests()
    {
        _store = new InMemoryStore(_time);
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_cluster_IP_comes_from_the_service_CIDR_and_its_key_names_the_service()
    {
        var allocation = await ClusterIps().AllocateAsync("shop/web");

        Assert.Equal(ServiceAllocationStatus.Allocated, allocation.Status);
        Assert.True(allocation.Succeeded);
        Assert.True(Cidr.Parse(ServiceIpAllocator.DefaultServiceCidr).Contains(allocation.Address));
        var stored = await _store.GetAsync($"plexus/services-ip/c1/{allocation.Address}");
        Assert.NotNull(stored);
        var record = ServiceAllocationRecord.FromJson(stored.Value);
        Assert.Equal(("shop/web", "ClusterIP", allocation.Address.ToString()), (record?.Owner, record?.Kind, record?.Value));
        Assert.Equal(0, stored.Lease);
    }

    [Fact]
    public async Task Asking_again_returns_the_same_address()
    {
        var first = await ClusterIps().AllocateAsync("shop/web");

        var again = await ClusterIps().AllocateAsync("shop/web"); // a new allocator, as another agent or after a restart

        Assert.Equal(ServiceAllocationStatus.Existing, again.Status);
        Assert.Equal(first.Address, again.Address);
        Assert.Single((await _store.ListAsync("plexus/services-ip/c1/")).Items);
    }

    [Fact]
    public async Task The_choice_is_deterministic_and_a_recreated_service_gets_its_address_back()
    {
        await using var other = new InMemoryStore(_time);
        var here = await ClusterIps().AllocateAsync("shop/web");
        var there = await new ServiceIpAllocator(other, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse("10.96.0.0/12")], _time, NullLogger<ServiceIpAllocator>.Instance)
            .AllocateAsync("shop/web");
        Assert.Equal(here.Address, there.Address);

        Assert.Equal(1, await ClusterIps().ReleaseAsync("shop/web"));
        var recreated = await ClusterIps().AllocateAsync("shop/web");

        Assert.Equal(ServiceAllocationStatus.Allocated, recreated.Status);
        Assert.Equal(here.Address, recreated.Address);
        Assert.NotEqual(here.Address, (await ClusterIps().AllocateAsync("shop/api")).Address);
    }

    [Fact]
    public async Task An_explicit_cluster_IP_is_claimed_when_free_and_a_conflict_otherwise()
    {
        var claimed = await ClusterIps().AllocateAsync("shop/web", "10.96.0.10");
        var again = await ClusterIps().AllocateAsync("shop/web", "10.96.0.10");
        var conflict = await ClusterIps().AllocateAsync("shop/other", "10.96.0.10");

        Assert.Equal((ServiceAllocationStatus.Claimed, IPAddress.Parse("10.96.0.10")), (claimed.Status, claimed.Address));
        Assert.Equal((ServiceAllocationStatus.Existing, IPAddress.Parse("10.96.0.10")), (again.Status, again.Address));
        Assert.Equal(ServiceAllocationStatus.Conflict, conflict.Status);
        Assert.False(conflict.Succeeded);
        Assert.Contains("shop/web", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("10.96.0.10", conflict.Message, StringComparison.Ordinal);
        Assert.Single((await _store.ListAsync("plexus/services-ip/c1/")).Items);
    }

    [Fact]
    public async Task A_service_asking_for_a_new_address_moves_to_it_and_frees_the_old_one()
    {
        var first = await ClusterIps().AllocateAsync("shop/web");

        var moved = await ClusterIps().AllocateAsync("shop/web", "10.96.0.20");

        Assert.Equal(ServiceAllocationStatus.Claimed, moved.Status);
        Assert.Equal(["10.96.0.20"], (await ClusterIps().ListAsync()).Select(r => r.Value));
        Assert.Null(await _store.GetAsync($"plexus/services-ip/c1/{first.Address}"));
    }

    [Theory]
    [InlineData("10.97.0.1/16", "10.1.2.3", ServiceAllocationStatus.OutOfRange)]
    [InlineData("10.96.0.0/29", "10.96.0.0", ServiceAllocationStatus.OutOfRange)]
    [InlineData("10.96.0.0/29", "10.96.0.7", ServiceAllocationStatus.OutOfRange)]
    [InlineData("10.96.0.0/29", "10.96.0.8", ServiceAllocationStatus.OutOfRange)]
    [InlineData("10.96.0.0/29", "10.96", ServiceAllocationStatus.Invalid)]
    [InlineData("10.96.0.0/29", "web", ServiceAllocationStatus.Invalid)]
    public async Task Requests_outside_the_range_or_not_addresses_are_refused_as_values(string cidr, string requested, ServiceAllocationStatus expected)
    {
        var allocation = await ClusterIps(cidr).AllocateAsync("shop/web", requested);

        Assert.Equal(expected, allocation.Status);
        Assert.Null(allocation.Address);
        Assert.Contains(requested, allocation.Message, StringComparison.Ordinal);
        Assert.Empty((await _store.ListAsync("plexus/services-ip/")).Items);
    }

    [Fact]
    public async Task A_headless_service_gets_nothing()
    {
        var allocation = await ClusterIps().AllocateAsync("shop/db", "None");

        Assert.Equal(ServiceAllocationStatus.Headless, allocation.Status);
        Assert.Null(allocation.Address);
        Assert.Empty((await _store.ListAsync("plexus/")).Items);
    }

    [Fact]
    public async Task Exhaustion_is_a_value_and_a_released_address_is_reused()
    {
        var allocator = ClusterIps("10.96.0.0/29");
        var given = new List<IPAddress>();
        for (var i = 0; i < 6; i++)
        {
            var allocation = await allocator.AllocateAsync($"shop/s{i}");
            Assert.Equal(ServiceAllocationStatus.Allocated, allocation.Status);
            given.Add(allocation.Address!);
        }

        var full = await allocator.AllocateAsync("shop/late");

        Assert.Equal(6, (int)allocator.Capacity);
        Assert.Equal(["10.96.0.1", "10.96.0.2", "10.96.0.3", "10.96.0.4", "10.96.0.5", "10.96.0.6"], given.Select(a => a.ToString()).Order());
        Assert.Equal(ServiceAllocationStatus.Exhausted, full.Status);
        Assert.Null(full.Address);
        Assert.Contains("10.96.0.0/29", full.Message, StringComparison.Ordinal);

        Assert.Equal(1, await allocator.ReleaseAsync("shop/s3"));
        Assert.Equal(0, await allocator.ReleaseAsync("shop/s3"));
        var late = await allocator.AllocateAsync("shop/late");
        Assert.Equal((ServiceAllocationStatus.Allocated, given[3]), (late.Status, late.Address));
    }

    [Fact]
    public async Task Load_balancer_IPs_come_from_the_pools_and_share_the_key_space_with_cluster_IPs()
    {
        var pools = LoadBalancerIps("198.51.100.0/30", "203.0.113.9/32");
        var given = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            given.Add((await pools.AllocateAsync($"shop/lb{i}")).Address!.ToString());
        }

        Assert.Equal(["198.51.100.1", "198.51.100.2", "203.0.113.9"], given.Order());
        Assert.Equal(ServiceAllocationStatus.Exhausted, (await pools.AllocateAsync("shop/lb3")).Status);
        var stored = ServiceAllocationRecord.FromJson((await _store.GetAsync("plexus/services-ip/c1/203.0.113.9"))!.Value);
        Assert.Equal("LoadBalancer", stored?.Kind);

        // A cluster IP range overlapping a pool can never give out an address a load balancer holds.
        var overlapping = await ClusterIps("203.0.113.8/30").AllocateAsync("shop/web", "203.0.113.9");
        Assert.Equal(ServiceAllocationStatus.Conflict, overlapping.Status);
        Assert.Contains("LoadBalancer", overlapping.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_balancer_requests_are_claimed_in_a_pool_and_release_only_touches_that_kind()
    {
        var pools = LoadBalancerIps("198.51.100.0/24");
        await ClusterIps().AllocateAsync("shop/front");

        var claimed = await pools.AllocateAsync("shop/front", "198.51.100.7");
        var outside = await pools.AllocateAsync("shop/x", "192.0.2.1");
        var none = await pools.AllocateAsync("shop/x", "None");

        Assert.Equal((ServiceAllocationStatus.Claimed, IPAddress.Parse("198.51.100.7")), (claimed.Status, claimed.Address));
        Assert.Equal(ServiceAllocationStatus.OutOfRange, outside.Status);
        Assert.Equal(ServiceAllocationStatus.Invalid, none.Status);
        Assert.Equal(1, await pools.ReleaseAsync("shop/front"));
        Assert.Single(await ClusterIps().ListAsync());
    }

    [Fact]
    public async Task No_pools_configured_means_exhausted_with_a_clear_message()
    {
        var allocation = await LoadBalancerIps().AllocateAsync("shop/front");

        Assert.Equal(ServiceAllocationStatus.Exhausted, allocation.Status);
        Assert.Contains("none configured", allocation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_ranges_are_refused() =>
        Assert.Throws<ArgumentException>(() => LoadBalancerIps("10.0.0.0/24", "10.0.0.128/25"));

    [Fact]
    public async Task IPv6_service_ranges_work_the_same_way()
    {
        var allocator = ClusterIps("fd00:96::/112");

        var allocation = await allocator.AllocateAsync("shop/web");
        var claimed = await allocator.AllocateAsync("shop/api", "fd00:96::a");

        Assert.True(Cidr.Parse("fd00:96::/112").Contains(allocation.Address!));
        Assert.NotEqual(IPAddress.Parse("fd00:96::"), allocation.Address);
        Assert.Equal(ServiceAllocationStatus.Claimed, claimed.Status);
        Assert.NotNull(await _store.GetAsync("plexus/services-ip/c1/fd00:96::a"));
    }

    [Fact]
    public async Task Node_ports_come_from_the_range_one_per_service_port_and_repeat()
    {
        var ports = NodePorts();

        var http = await ports.AllocateAsync("shop/web", 80, PortProtocol.Tcp);
        var dns = await ports.AllocateAsync("shop/web", 53, PortProtocol.Udp);
        var again = await NodePorts().AllocateAsync("shop/web", 80, PortProtocol.Tcp);

        Assert.Equal(ServiceAllocationStatus.Allocated, http.Status);
        Assert.InRange(http.NodePort!.Value, 30000, 32767);
        Assert.InRange(dns.NodePort!.Value, 30000, 32767);
        Assert.Equal((ServiceAllocationStatus.Existing, http.NodePort), (again.Status, again.NodePort));
        var stored = ServiceAllocationRecord.FromJson((await _store.GetAsync($"plexus/services-nodeport/c1/{http.NodePort}/tcp"))!.Value);
        Assert.Equal(("shop/web", "NodePort", "80/TCP", $"{http.NodePort}/TCP"), (stored?.Owner, stored?.Kind, stored?.ServicePort, stored?.Value));
        Assert.NotNull(await _store.GetAsync($"plexus/services-nodeport/c1/{dns.NodePort}/udp"));
        Assert.Equal(2, (await ports.ListAsync()).Count);
    }

    [Fact]
    public async Task Explicit_node_ports_are_claimed_when_free_and_conflict_otherwise()
    {
        var ports = NodePorts();

        var claimed = await ports.AllocateAsync("shop/web", 80, PortProtocol.Tcp, 30080);
        var conflict = await ports.AllocateAsync("shop/other", 8080, PortProtocol.Tcp, 30080);
        var udp = await ports.AllocateAsync("shop/other", 53, PortProtocol.Udp, 30080);
        var outside = await ports.AllocateAsync("shop/other", 8080, PortProtocol.Tcp, 29999);
        var silly = await ports.AllocateAsync("shop/other", 8080, PortProtocol.Tcp, 70000);
        var icmp = await ports.AllocateAsync("shop/other", 8080, PortProtocol.Icmp);

        Assert.Equal((ServiceAllocationStatus.Claimed, 30080), (claimed.Status, claimed.NodePort));
        Assert.Equal(ServiceAllocationStatus.Conflict, conflict.Status);
        Assert.Contains("shop/web (80/TCP)", conflict.Message, StringComparison.Ordinal);
        Assert.Equal((ServiceAllocationStatus.Claimed, 30080), (udp.Status, udp.NodePort));
        Assert.Equal(ServiceAllocationStatus.OutOfRange, outside.Status);
        Assert.Contains("30000-32767", outside.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceAllocationStatus.Invalid, silly.Status);
        Assert.Equal(ServiceAllocationStatus.Invalid, icmp.Status);
    }

    [Fact]
    public async Task Node_ports_run_out_as_a_value_and_released_ones_are_reused()
    {
        var ports = NodePorts(31000, 31003);
        var given = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            given.Add((await ports.AllocateAsync($"shop/s{i}", 80, PortProtocol.Tcp)).NodePort!.Value);
        }

        var full = await ports.AllocateAsync("shop/late", 80, PortProtocol.Tcp);
        var udp = await ports.AllocateAsync("shop/late", 53, PortProtocol.Udp);

        Assert.Equal([31000, 31001, 31002, 31003], given.Order());
        Assert.Equal(ServiceAllocationStatus.Exhausted, full.Status);
        Assert.Contains("31000-31003", full.Message, StringComparison.Ordinal);
        Assert.True(udp.Succeeded);

        Assert.Equal(1, await ports.ReleaseAsync("shop/s2"));
        Assert.Equal(given[2], (await ports.AllocateAsync("shop/late", 80, PortProtocol.Tcp)).NodePort);
    }

    [Fact]
    public async Task Concurrent_allocations_get_distinct_values()
    {
        var ips = ClusterIps("10.96.0.0/26");
        var ports = NodePorts(30000, 30063);

        var addresses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => ips.AllocateAsync($"shop/s{i}"))));
        var nodePorts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => ports.AllocateAsync($"shop/s{i}", 80, PortProtocol.Tcp))));

        Assert.All(addresses, a => Assert.True(a.Succeeded));
        Assert.Equal(40, addresses.Select(a => a.Address).Distinct().Count());
        Assert.Equal(40, nodePorts.Select(p => p.NodePort).Distinct().Count());
    }

    [Fact]
    public async Task One_service_allocated_concurrently_ends_with_one_address()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => ClusterIps().AllocateAsync("shop/web"))));

        Assert.Single(results.Select(r => r.Address).Distinct());
        Assert.Single((await _store.ListAsync("plexus/services-ip/c1/")).Items);
    }

    [Fact]
    public async Task An_address_taken_by_another_agent_after_the_list_is_skipped()
    {
        // Learn where shop/web's search starts, then let another agent hold that address unseen by our list.
        await using var scratch = new InMemoryStore(_time);
        var preferred = (await new ServiceIpAllocator(scratch, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse("10.96.0.0/30")], _time, NullLogger<ServiceIpAllocator>.Instance)
            .AllocateAsync("shop/web")).Address!;
        await ClusterIps("10.96.0.0/30").AllocateAsync("shop/other", preferred.ToString());
        var intercepting = new InterceptingStore(_store) { AfterList = (_, result) => result with { Items = [] } };

        var allocation = await new ServiceIpAllocator(intercepting, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse("10.96.0.0/30")], _time, NullLogger<ServiceIpAllocator>.Instance)
            .AllocateAsync("shop/web");

        Assert.Equal(ServiceAllocationStatus.Allocated, allocation.Status);
        Assert.NotEqual(preferred, allocation.Address);
        Assert.Equal("shop/other", ServiceAllocationRecord.FromJson((await _store.GetAsync($"plexus/services-ip/c1/{preferred}"))!.Value)?.Owner);
    }

    [Fact]
    public async Task A_burst_of_allocations_reads_the_claims_once_not_once_per_service()
    {
        var lists = 0;
        var counting = new InterceptingStore(_store) { AfterList = (_, result) => { lists++; return result; } };
        var allocator = new ServiceIpAllocator(counting, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse("10.96.0.0/12")], _time, NullLogger<ServiceIpAllocator>.Instance);

        var addresses = new HashSet<string>();
        for (var i = 0; i < 300; i++)
        {
            var allocation = await allocator.AllocateAsync($"bulk/svc{i}");
            Assert.Equal(ServiceAllocationStatus.Allocated, allocation.Status);
            Assert.True(addresses.Add(allocation.Address!.ToString()), $"{allocation.Address} given twice");
        }

        Assert.Equal(1, lists);
        Assert.Equal(300, (await ClusterIps().ListAsync()).Count);
    }

    [Fact]
    public async Task An_agent_that_raced_for_the_same_service_with_a_stale_view_gives_its_address_back()
    {
        // Another agent already gave shop/web an address; our first list does not show it yet.
        var earlier = await ClusterIps().AllocateAsync("shop/web", "10.96.0.77");
        var lists = 0;
        var intercepting = new InterceptingStore(_store) { AfterList = (_, result) => lists++ == 0 ? result with { Items = [] } : result };

        var allocation = await new ServiceIpAllocator(intercepting, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse("10.96.0.0/12")], _time, NullLogger<ServiceIpAllocator>.Instance)
            .AllocateAsync("shop/web");

        Assert.Equal((ServiceAllocationStatus.Existing, earlier.Address), (allocation.Status, allocation.Address));
        Assert.Equal(["10.96.0.77"], (await ClusterIps().ListAsync()).Select(r => r.Value));
    }

    [Fact]
    public async Task A_load_balancer_service_gets_a_cluster_IP_node_ports_and_a_pool_address()
    {
        var service = Service("""
            kind: Service
            metadata: {name: front, namespace: shop}
            spec:
              type: LoadBalancer
              selector: {app: front}
              ports:
              - {name: http, port: 80}
              - {name: dns, port: 53, protocol: UDP, nodePort: 30053}
            """);

        var allocation = await Services().AllocateAsync(service);
        var again = await Services().AllocateAsync(service);

        Assert.True(allocation.Succeeded, string.Join("; ", allocation.Errors));
        Assert.Equal("shop/front", allocation.Owner);
        Assert.NotNull(allocation.ClusterIP);
        Assert.Equal(30053, allocation.NodePorts["53/UDP"]);
        Assert.InRange(allocation.NodePorts["80/TCP"], 30000, 32767);
        Assert.True(Cidr.Parse("198.51.100.0/24").Contains(allocation.LoadBalancerIP!));
        Assert.Equal((allocation.ClusterIP, allocation.LoadBalancerIP), (again.ClusterIP, again.LoadBalancerIP));
        Assert.Equal(allocation.NodePorts, again.NodePorts);
        Assert.Equal(4, await Services().ReleaseAsync("shop/front"));
        Assert.Empty((await _store.ListAsync("plexus/")).Items);
    }

    [Fact]
    public async Task A_service_that_cannot_have_everything_keeps_nothing_new()
    {
        await NodePorts().AllocateAsync("shop/other", 80, PortProtocol.Tcp, 30053);
        var service = Service("""
            kind: Service
            metadata: {name: front, namespace: shop}
            spec:
              type: NodePort
              ports:
              - {name: http, port: 80}
              - {name: dns, port: 53, protocol: TCP, nodePort: 30053}
            """);

        var allocation = await Services().AllocateAsync(service);

        Assert.False(allocation.Succeeded);
        Assert.Contains(allocation.Errors, e => e.Contains("30053/TCP", StringComparison.Ordinal) && e.Contains("shop/other", StringComparison.Ordinal));
        Assert.Null(allocation.ClusterIP);
        Assert.Equal(["shop/other"], (await _store.ListAsync("plexus/")).Items.Select(kv => ServiceAllocationRecord.FromJson(kv.Value)?.Owner));
    }

    [Fact]
    public async Task Changing_the_type_or_ports_releases_what_is_no_longer_needed_and_headless_gets_nothing()
    {
        var loadBalancer = Service("kind: Service\nmetadata: {name: front, namespace: shop}\nspec: {type: LoadBalancer, ports: [{name: a, port: 80}, {name: b, port: 81}]}\n");
        var nodePort = Service("kind: Service\nmetadata: {name: front, namespace: shop}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
        var clusterIp = Service("kind: Service\nmetadata: {name: front, namespace: shop}\nspec: {ports: [{port: 80}]}\n");
        var headless = Service("kind: Service\nmetadata: {name: db, namespace: shop}\nspec: {clusterIP: None, selector: {app: db}}\n");

        var first = await Services().AllocateAsync(loadBalancer);
        var second = await Services().AllocateAsync(nodePort);
        Assert.Equal(first.ClusterIP, second.ClusterIP);
        Assert.Equal(first.NodePorts["80/TCP"], second.NodePorts["80/TCP"]);
        Assert.Null(second.LoadBalancerIP);
        Assert.Empty(await LoadBalancerIps("198.51.100.0/24").ListAsync());
        Assert.Single(await NodePorts().ListAsync());

        var third = await Services().AllocateAsync(clusterIp);
        Assert.Empty(third.NodePorts);
        Assert.Empty(await NodePorts().ListAsync());

        var db = await Services().AllocateAsync(headless);
        Assert.True(db.Succeeded);
        Assert.True(db.IsHeadless);
        Assert.Null(db.ClusterIP);
        // Nothing but the cluster IP of shop/front is held: its claim and its owner index.
        Assert.Equal(
            ["plexus/services-ip-owner/c1/ClusterIP/shop/front", $"plexus/services-ip/c1/{third.ClusterIP}"],
            (await _store.ListAsync("plexus/")).Items.Select(kv => kv.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Services_explicit_cluster_IP_conflicts_are_reported()
    {
        await ClusterIps().AllocateAsync("shop/first", "10.96.0.10");
        var service = Service("kind: Service\nmetadata: {name: second, namespace: shop}\nspec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}\n");

        var allocation = await Services().AllocateAsync(service);

        Assert.False(allocation.Succeeded);
        Assert.Contains("shop/first", Assert.Single(allocation.Errors), StringComparison.Ordinal);
    }

    private static ServiceResource Service(string yaml)
    {
        var result = ManifestLoader.Parse("apiVersion: v1\n" + yaml, "test.yaml");
        Assert.True(result.Ok, string.Join("; ", result.Errors));
        return Assert.IsType<ServiceResource>(Assert.Single(result.Resources));
    }

    private ServiceIpAllocator ClusterIps(string cidr = ServiceIpAllocator.DefaultServiceCidr) =>
        new(_store, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse(cidr)], _time, NullLogger<ServiceIpAllocator>.Instance);

    private ServiceIpAllocator LoadBalancerIps(params string[] pools) =>
        new(_store, "c1", ServiceIpKind.LoadBalancer, pools.Select(Cidr.Parse), _time, NullLogger<ServiceIpAllocator>.Instance);

    private NodePortAllocator NodePorts(int first = NodePortAllocator.DefaultFirst, int last = NodePortAllocator.DefaultLast) =>
        new(_store, "c1", _time, NullLogger<NodePortAllocator>.Instance, first, last);

    private ServiceAllocator Services() =>
        new(ClusterIps(), LoadBalancerIps("198.51.100.0/24"), NodePorts(), NullLogger<ServiceAllocator>.Instance);
}
