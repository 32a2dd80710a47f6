using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>A veth pair across two namespaces, configured only through <see cref="RtNetlink"/>, carries real traffic.</summary>
[Trait("Category", "Privileged")]
public sealed class NetlinkVethTests
{
    private static readonly PhysicalAddress MacA = PhysicalAddress.Parse("02-00-00-77-00-01");
    private static readonly PhysicalAddress MacB = PhysicalAddress.Parse("02-00-00-77-00-02");

    [Fact]
    public async Task Veth_across_two_namespaces_with_addresses_routes_and_permanent_neighbours_carries_tcp_over_ipv4_and_ipv6()
    {
        using var a = new TestNetns();
        using var b = new TestNetns();

        a.Netlink.CreateVeth("veth-a", "veth-b", peerNamespace: b.Handle, mac: MacA, peerMac: MacB, mtu: 1400);
        var vethA = a.Netlink.GetLink("veth-a")!;
        var vethB = b.Netlink.GetLink("veth-b")!;
        Assert.Equal(("veth", 1400, MacA), (vethA.Kind, vethA.Mtu, vethA.Mac));
        Assert.Equal(("veth", 1400, MacB), (vethB.Kind, vethB.Mtu, vethB.Mac));
        Assert.Null(a.Netlink.GetLink("veth-b"));

        // The kernel refuses IPv4 routes through a device that is down (ENETDOWN), so links go up first.
        a.Netlink.SetUp("veth-a");
        b.Netlink.SetUp(vethB.Index);

        // Host addresses (/32, /128) so that reachability depends on the routes added below, not on prefix routes.
        Configure(a.Netlink, "veth-a", IPAddress.Parse("10.77.0.1"), IPAddress.Parse("fd00:77::1"), IPAddress.Parse("10.77.0.2"), IPAddress.Parse("fd00:77::2"), MacB);
        Configure(b.Netlink, "veth-b", IPAddress.Parse("10.77.0.2"), IPAddress.Parse("fd00:77::2"), IPAddress.Parse("10.77.0.1"), IPAddress.Parse("fd00:77::1"), MacA);

        // Services behind B reached through gateway routes (B holds them on lo).
        b.Netlink.AddAddress("lo", IPAddress.Parse("10.99.0.1"), 32);
        b.Netlink.AddAddress("lo", IPAddress.Parse("fd00:99::1"), 128, skipDuplicateDetection: true);
        a.Netlink.AddRoute(new RouteSpec
        {
            Destination = IPNetwork.Parse("10.99.0.0/24"),
            Gateway = IPAddress.Parse("10.77.0.2"),
            OutputLink = "veth-a",
            OnLink = true,
            Source = IPAddress.Parse("10.77.0.1"),
        });
        a.Netlink.AddRoute(new RouteSpec
        {
            Destination = IPNetwork.Parse("fd00:99::/64"),
            Gateway = IPAddress.Parse("fd00:77::2"),
            OutputLink = "veth-a",
        });

        Probe.WaitUntil(
            () => (a.Netlink.GetLink("veth-a")!.Flags & b.Netlink.GetLink("veth-b")!.Flags & LinkFlags.Running) != 0,
            TimeSpan.FromSeconds(10),
            "both veth ends running");

        await Probe.TcpRoundTripAsync(a, b, IPAddress.Parse("10.77.0.2"));
        await Probe.TcpRoundTripAsync(b, a, IPAddress.Parse("10.77.0.1"));
        await Probe.TcpRoundTripAsync(a, b, IPAddress.Parse("fd00:77::2"));
        await Probe.TcpRoundTripAsync(a, b, IPAddress.Parse("10.99.0.1"));
        await Probe.TcpRoundTripAsync(a, b, IPAddress.Parse("fd00:99::1"));

        var neighbours = a.Netlink.ListNeighbours("veth-a");
        Assert.Contains(neighbours, n => n.Address.Equals(IPAddress.Parse("10.77.0.2")) && n.State == NeighbourState.Permanent && MacB.Equals(n.Mac));
        Assert.Contains(neighbours, n => n.Address.Equals(IPAddress.Parse("fd00:77::2")) && n.State == NeighbourState.Permanent && MacB.Equals(n.Mac));

        var routes = a.Netlink.ListRoutes(AddressFamily.InterNetwork, RouteSpec.MainTable);
        var gatewayRoute = Assert.Single(routes, r => r.Destination == IPNetwork.Parse("10.99.0.0/24"));
        Assert.Equal(IPAddress.Parse("10.77.0.2"), gatewayRoute.Gateway);
        Assert.Equal(vethA.Index, gatewayRoute.OutputLink?.Index);
        Assert.True(gatewayRoute.OnLink);
        Assert.Equal(IPAddress.Parse("10.77.0.1"), gatewayRoute.Source);
        Assert.Equal(RouteScope.Universe, gatewayRoute.Scope);
        var directRoute = Assert.Single(routes, r => r.Destination == IPNetwork.Parse("10.77.0.2/32"));
        Assert.Equal(RouteScope.Link, directRoute.Scope);
        Assert.Contains(a.Netlink.ListRoutes(AddressFamily.InterNetworkV6), r => r.Destination == IPNetwork.Parse("fd00:99::/64") && IPAddress.Parse("fd00:77::2").Equals(r.Gateway));

        var universe = a.Netlink.ListAddresses("veth-a").Where(x => x.Scope == RouteScope.Universe).Select(x => x.Address).ToHashSet();
        Assert.True(universe.SetEquals([IPAddress.Parse("10.77.0.1"), IPAddress.Parse("fd00:77::1")]), string.Join(", ", universe));
    }

    private static void Configure(RtNetlink netlink, string link, IPAddress local4, IPAddress local6, IPAddress peer4, IPAddress peer6, PhysicalAddress peerMac)
    {
        netlink.AddAddress(link, local4, 32);
        netlink.AddAddress(link, local6, 128, skipDuplicateDetection: true);
        netlink.AddRoute(new RouteSpec { Destination = new IPNetwork(peer4, 32), OutputLink = link });
        netlink.AddRoute(new RouteSpec { Destination = new IPNetwork(peer6, 128), OutputLink = link });
        netlink.AddNeighbour(link, peer4, peerMac, permanent: true);
        netlink.AddNeighbour(link, peer6, peerMac, permanent: true);
    }
}
