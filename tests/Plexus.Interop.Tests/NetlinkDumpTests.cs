using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>Dumps larger than one netlink datagram come back complete.</summary>
[Trait("Category", "Privileged")]
public sealed class NetlinkDumpTests : IDisposable
{
    private readonly TestNetns _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Link_dump_spanning_many_datagrams_returns_every_link()
    {
        const int pairs = 40;
        for (var i = 0; i < pairs; i++)
        {
            _ns.Netlink.CreateVeth($"d{i}a", $"d{i}b");
        }

        var links = _ns.Netlink.ListLinks();

        Assert.Equal(2 * pairs + 1, links.Count);
        Assert.Equal(links.Count, links.Select(l => l.Index).Distinct().Count());
        for (var i = 0; i < pairs; i++)
        {
            Assert.Contains(links, l => l.Name == $"d{i}a" && l.Kind == "veth");
            Assert.Contains(links, l => l.Name == $"d{i}b" && l.Kind == "veth");
        }
    }

    [Fact]
    public void Address_route_and_neighbour_dumps_return_every_entry()
    {
        var netlink = _ns.Netlink;
        netlink.CreateVeth("big0", "big0p");
        netlink.SetUp("big0");
        netlink.SetUp("big0p");
        for (var i = 0; i < 300; i++)
        {
            netlink.AddAddress("big0", IPAddress.Parse($"10.50.{i / 250}.{(i % 250) + 1}"), 32);
            netlink.AddAddress("lo", IPAddress.Parse($"fd00:50::{i + 1:x}"), 128, skipDuplicateDetection: true);
            netlink.AddRoute(new RouteSpec { Destination = IPNetwork.Parse($"10.60.{i / 250}.{i % 250}/32"), OutputLink = "big0" });
            netlink.AddRoute(new RouteSpec { Destination = IPNetwork.Parse($"fd00:60:{i + 1:x}::/64"), OutputLink = "big0" });
            netlink.AddNeighbour("big0", IPAddress.Parse($"10.70.{i / 250}.{(i % 250) + 1}"), PhysicalAddress.Parse($"02-00-00-00-{i / 256:X2}-{i % 256:X2}"));
        }

        Assert.Equal(300, netlink.ListAddresses("big0", AddressFamily.InterNetwork).Count);
        Assert.Equal(301, netlink.ListAddresses("lo", AddressFamily.InterNetworkV6).Count); // + ::1
        Assert.True(netlink.ListAddresses().Count >= 601);
        Assert.Equal(300, netlink.ListRoutes(AddressFamily.InterNetwork, RouteSpec.MainTable).Count(r => r.Destination.BaseAddress.ToString().StartsWith("10.60.", StringComparison.Ordinal)));
        Assert.Equal(300, netlink.ListRoutes(AddressFamily.InterNetworkV6).Count(r => r.Destination.BaseAddress.ToString().StartsWith("fd00:60:", StringComparison.Ordinal)));
        var neighbours = netlink.ListNeighbours("big0", AddressFamily.InterNetwork);
        Assert.Equal(300, neighbours.Count);
        Assert.All(neighbours, n => Assert.Equal(NeighbourState.Permanent, n.State));
    }
}
