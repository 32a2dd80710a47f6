using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Model;
using Plexus.Store;
using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>Service allocators racing each other through separate clients of a real etcd.</summary>
[Collection(EtcdCollection.Name)]
public sealed class ServiceAllocatorEtcdTests(EtcdFixture etcd)
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Racing_allocators_never_hand_out_the_same_cluster_IP_and_stop_at_exhaustion()
    {
        await using var setup = await etcd.CreateEmptyStoreAsync();
        var clients = Enumerable.Range(0, 2).Select(_ => etcd.CreateStore()).ToList();
        try
        {
            // Two agents, 5 Services each, a /29 with 6 usable addresses: exactly 6 succeed, all different.
            var allocators = clients.Select(c => ClusterIps(c, "10.96.0.0/29")).ToList();
            var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => allocators[i % 2].AllocateAsync($"shop/s{i}"))));

            var succeeded = results.Where(r => r.Succeeded).ToList();
            Assert.Equal(6, succeeded.Count);
            Assert.Equal(6, succeeded.Select(r => r.Address).Distinct().Count());
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ServiceAllocationStatus.Exhausted, r.Status));
            Assert.Equal(6, (await setup.ListAsync("plexus/services-ip/c1/")).Items.Count);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Racing_allocators_never_hand_out_the_same_node_port()
    {
        await using var setup = await etcd.CreateEmptyStoreAsync();
        var clients = Enumerable.Range(0, 2).Select(_ => etcd.CreateStore()).ToList();
        try
        {
            var allocators = clients.Select(c => new NodePortAllocator(c, "c1", _time, NullLogger<NodePortAllocator>.Instance, 30000, 30007)).ToList();
            var results = await Task.WhenAll(
                Enumerable.Range(0, 12).Select(i => Task.Run(() => allocators[i % 2].AllocateAsync($"shop/s{i}", 80, PortProtocol.Tcp))));

            var succeeded = results.Where(r => r.Succeeded).ToList();
            Assert.Equal(8, succeeded.Count);
            Assert.Equal(8, succeeded.Select(r => r.NodePort).Distinct().Count());
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ServiceAllocationStatus.Exhausted, r.Status));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Agents_racing_for_the_same_service_agree_on_one_address()
    {
        await using var setup = await etcd.CreateEmptyStoreAsync();
        var clients = Enumerable.Range(0, 4).Select(_ => etcd.CreateStore()).ToList();
        try
        {
            var results = await Task.WhenAll(clients.Select(c => Task.Run(() => ClusterIps(c, ServiceIpAllocator.DefaultServiceCidr).AllocateAsync("shop/web"))));
            var claims = await Task.WhenAll(clients.Select(c => Task.Run(() => ClusterIps(c, ServiceIpAllocator.DefaultServiceCidr).AllocateAsync("shop/api", "10.96.0.10"))));

            Assert.All(results, r => Assert.True(r.Succeeded));
            Assert.Single(results.Select(r => r.Address).Distinct());
            Assert.Single(results, r => r.Status == ServiceAllocationStatus.Allocated);
            Assert.Single(claims, r => r.Status == ServiceAllocationStatus.Claimed);
            Assert.All(claims, r => Assert.Equal("10.96.0.10", r.Address?.ToString()));
            Assert.Equal(2, (await setup.ListAsync("plexus/services-ip/c1/")).Items.Count);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private ServiceIpAllocator ClusterIps(IStore store, string cidr) =>
        new(store, "c1", ServiceIpKind.ClusterIP, [Cidr.Parse(cidr)], _time, NullLogger<ServiceIpAllocator>.Instance);
}
