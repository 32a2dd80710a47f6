using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>Link, address, route and neighbour changes are visible through the matching queries.</summary>
[Trait("Category", "Privileged")]
public sealed class NetlinkLinkTests : IDisposable
{
    private readonly TestNetns _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Link_settings_round_trip_through_GetLink()
    {
        var netlink = _ns.Netlink;
        netlink.CreateVeth("v0", "v0p");
        var created = netlink.GetLink("v0")!;
        var peer = netlink.GetLink("v0p")!;
        Assert.Equal(peer.Index, created.LinkIndex);
        Assert.False(created.IsUp);

        var mac = PhysicalAddress.Parse("02-AA-BB-CC-DD-EE");
        netlink.SetMtu("v0", 1300);
        netlink.SetMac(created.Index, mac);
        netlink.SetArp("v0", enabled: false);
        netlink.SetUp("v0");
        var changed = netlink.GetLink(created.Index)!;
        Assert.Equal((1300, mac, true), (changed.Mtu, changed.Mac, changed.IsUp));
        Assert.True(changed.Flags.HasFlag(LinkFlags.NoArp));

        netlink.SetArp("v0", enabled: true);
        netlink.SetDown("v0");
        netlink.Rename("v0", "renamed0");
        var renamed = netlink.GetLink("renamed0")!;
        Assert.Equal(created.Index, renamed.Index);
        Assert.False(renamed.IsUp);
        Assert.False(renamed.Flags.HasFlag(LinkFlags.NoArp));
        Assert.Null(netlink.GetLink("v0"));

        netlink.Delete(renamed.Index);
        Assert.Null(netlink.GetLink("renamed0"));
        Assert.Null(netlink.GetLink("v0p"));
    }

    [Fact]
    public void Moving_a_link_to_another_namespace_takes_it_out_of_this_one()
    {
        using var other = new TestNetns();
        _ns.Netlink.CreateVeth("mv0", "mv0p");

        _ns.Netlink.MoveToNetns("mv0", other.Handle);

        Assert.Null(_ns.Netlink.GetLink("mv0"));
        Assert.Equal("veth", other.Netlink.GetLink("mv0")!.Kind);
        Assert.NotNull(_ns.Netlink.GetLink("mv0p"));
    }

    [Fact]
    public void Routes_can_be_replaced_deleted_and_listed_per_table()
    {
        var netlink = _ns.Netlink;
        netlink.CreateVeth("r0", "r0p");
        netlink.SetUp("r0");
        netlink.SetUp("r0p");
        netlink.AddAddress("r0", IPAddress.Parse("192.168.50.1"), 24);
        netlink.AddAddress("r0", IPAddress.Parse("fd00:50::1"), 64, skipDuplicateDetection: true);

        var route = new RouteSpec { Destination = IPNetwork.Parse("10.10.0.0/16"), Gateway = IPAddress.Parse("192.168.50.2") };
        netlink.AddRoute(route);
        netlink.ReplaceRoute(route with { Gateway = IPAddress.Parse("192.168.50.3") });
        var replaced = Assert.Single(netlink.ListRoutes(AddressFamily.InterNetwork), r => r.Destination == route.Destination);
        Assert.Equal(IPAddress.Parse("192.168.50.3"), replaced.Gateway);
        Assert.Equal(RouteSpec.BootProtocol, replaced.Protocol);

        var inTable = new RouteSpec { Destination = IPNetwork.Parse("0.0.0.0/0"), Gateway = IPAddress.Parse("192.168.50.2"), Table = 1000 };
        netlink.AddRoute(inTable);
        var v6 = new RouteSpec { Destination = IPNetwork.Parse("fd00:60::/48"), Gateway = IPAddress.Parse("fd00:50::2"), Metric = 42, Table = 100 };
        netlink.AddRoute(v6);
        Assert.Equal(IPNetwork.Parse("0.0.0.0/0"), Assert.Single(netlink.ListRoutes(AddressFamily.InterNetwork, 1000)).Destination);
        var listedV6 = Assert.Single(netlink.ListRoutes(AddressFamily.InterNetworkV6, 100));
        Assert.Equal((v6.Destination, 42u), (listedV6.Destination, listedV6.Metric));

        netlink.DeleteRoute(replaced);
        netlink.DeleteRoute(inTable);
        netlink.DeleteRoute(new RouteSpec { Destination = v6.Destination, Table = 100 });
        Assert.DoesNotContain(netlink.ListRoutes(AddressFamily.InterNetwork), r => r.Destination == route.Destination);
        Assert.Empty(netlink.ListRoutes(AddressFamily.InterNetwork, 1000));
        Assert.Empty(netlink.ListRoutes(AddressFamily.InterNetworkV6, 100));
    }

    [Fact]
    public void Neighbours_are_replaced_in_place_and_deleted()
    {
        var netlink = _ns.Netlink;
        netlink.CreateVeth("n0", "n0p");
        var address = IPAddress.Parse("192.168.60.2");

        netlink.AddNeighbour("n0", address, PhysicalAddress.Parse("02-00-00-00-00-01"));
        netlink.AddNeighbour("n0", address, PhysicalAddress.Parse("02-00-00-00-00-02"));
        var entry = Assert.Single(netlink.ListNeighbours("n0", AddressFamily.InterNetwork));
        Assert.Equal(PhysicalAddress.Parse("02-00-00-00-00-02"), entry.Mac);
        Assert.Equal(NeighbourState.Permanent, entry.State);

        netlink.AddNeighbour("n0", address, PhysicalAddress.Parse("02-00-00-00-00-03"), permanent: false);
        Assert.Equal(NeighbourState.Reachable, Assert.Single(netlink.ListNeighbours("n0", AddressFamily.InterNetwork)).State);

        netlink.DeleteNeighbour("n0", address);
        Assert.DoesNotContain(netlink.ListNeighbours("n0", AddressFamily.InterNetwork), n => n.Address.Equals(address) && n.State != NeighbourState.Failed);
    }

    [Fact]
    public void A_client_created_on_a_pool_thread_sees_the_host_namespace_not_the_test_namespace()
    {
        using var host = new RtNetlink();
        var hostLinks = host.ListLinks();

        Assert.Contains(hostLinks, l => l.Flags.HasFlag(LinkFlags.Loopback));
        Assert.Single(_ns.Netlink.ListLinks());
    }
}
