using System.Net;
using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>A bridge with two veth ports switches traffic between two other namespaces.</summary>
[Trait("Category", "Privileged")]
public sealed class NetlinkBridgeTests
{
    [Fact]
    public async Task Bridge_with_two_veth_ports_switches_tcp_between_namespaces()
    {
        using var switchNs = new TestNetns();
        using var left = new TestNetns();
        using var right = new TestNetns();
        var netlink = switchNs.Netlink;

        netlink.CreateBridge("br0");
        netlink.CreateVeth("port1", "eth0", peerNamespace: left.Handle);
        netlink.CreateVeth("port2", "eth-right");
        netlink.MoveToNetns("eth-right", right.Handle);
        right.Netlink.Rename("eth-right", "eth0");
        netlink.SetMaster("port1", "br0");
        netlink.SetMaster("port2", "br0");
        foreach (var link in new[] { "br0", "port1", "port2" })
        {
            netlink.SetUp(link);
        }

        var bridge = netlink.GetLink("br0")!;
        Assert.Equal("bridge", bridge.Kind);
        Assert.Equal(bridge.Index, netlink.GetLink("port1")!.MasterIndex);
        Assert.Equal(bridge.Index, netlink.GetLink("port2")!.MasterIndex);
        Assert.Null(netlink.GetLink("eth-right"));

        left.Netlink.AddAddress("eth0", IPAddress.Parse("10.88.0.1"), 24);
        right.Netlink.AddAddress("eth0", IPAddress.Parse("10.88.0.2"), 24);
        left.Netlink.SetUp("eth0");
        right.Netlink.SetUp("eth0");
        Probe.WaitUntil(
            () => new[] { left.Netlink.GetLink("eth0")!, right.Netlink.GetLink("eth0")!, netlink.GetLink("br0")! }.All(l => (l.Flags & LinkFlags.Running) != 0),
            TimeSpan.FromSeconds(10),
            "bridge and both ends running");

        await Probe.TcpRoundTripAsync(left, right, IPAddress.Parse("10.88.0.2"));

        netlink.ClearMaster("port2");
        Assert.Null(netlink.GetLink("port2")!.MasterIndex);
    }
}
