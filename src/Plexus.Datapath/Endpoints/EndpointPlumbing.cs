using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Text;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;

namespace Plexus.Datapath.Endpoints;

/// <summary>
/// Connects a pod's network namespace to the node: a veth pair (<c>eth0</c> in the pod, <c>lxc…</c> on the node) with
/// the overlay's MTU, the pod's /32 address, a link-local gateway with a permanent neighbour entry and a default route
/// in the pod; a /32 route and neighbour entry on the node; from-endpoint on the host side; and the endpoint in the
/// datapath map.
/// Every step is idempotent, so plumbing an endpoint again (agent restart, retry) repairs rather than fails.
/// </summary>
public static class EndpointPlumbing
{
    /// <summary>The pods' gateway: answered by the host-side veth's MAC through a static neighbour entry.</summary>
    public static readonly IPAddress Gateway = IPAddress.Parse("169.254.1.1");

    /// <summary>Plumbs endpoint <paramref name="endpointId"/> with <paramref name="address"/> into the pod namespace at <paramref name="netnsPath"/>.</summary>
    public static EndpointInfo Plumb(NodeDatapath datapath, int endpointId, string netnsPath, IPAddress address, uint identity)
    {
        var hostName = DeviceNames.HostVeth(endpointId);
        var podMac = MacFor(address, "pod");
        var hostMac = MacFor(address, "host");
        using var pod = NetNs.Open(netnsPath);
        using var rtnl = new RtNetlink();
        if (rtnl.GetLink(hostName) is null)
        {
            rtnl.CreateVeth(hostName, "eth0", pod, hostMac, podMac, datapath.PodMtu);
        }

        rtnl.SetMtu(hostName, datapath.PodMtu);

        NetNs.Run(pod, () =>
        {
            using var inPod = new RtNetlink();
            inPod.SetUp("lo");
            inPod.SetMtu("eth0", datapath.PodMtu);
            inPod.SetUp("eth0");
            Sysctl.Write("net.ipv6.conf.all.disable_ipv6", "1");
            if (!inPod.ListAddresses("eth0").Any(a => a.Address.Equals(address)))
            {
                inPod.AddAddress("eth0", address, 32);
            }

            inPod.ReplaceRoute(new RouteSpec { Destination = new IPNetwork(Gateway, 32), OutputLink = "eth0", Scope = RouteScope.Link });
            inPod.ReplaceRoute(new RouteSpec { Destination = IPNetwork.Parse("0.0.0.0/0"), Gateway = Gateway, OutputLink = "eth0", OnLink = true });
            inPod.AddNeighbour("eth0", Gateway, hostMac);
        });

        rtnl.SetUp(hostName);
        var host = rtnl.GetLink(hostName)!;
        Sysctl.Write($"net.ipv4.conf.{hostName}.rp_filter", "0");
        rtnl.ReplaceRoute(new RouteSpec { Destination = new IPNetwork(address, 32), OutputLink = hostName, Scope = RouteScope.Link });
        rtnl.AddNeighbour(hostName, address, podMac);
        datapath.AttachEndpoint(host.Index);
        var info = new EndpointInfo
        {
            IfIndex = (uint)host.Index,
            Identity = identity,
            EndpointId = (ushort)endpointId,
            Flags = DatapathConstants.EndpointReady,
            Mac = Mac.From(podMac.GetAddressBytes()),
            NodeMac = Mac.From(hostMac.GetAddressBytes()),
        };
        datapath.UpsertEndpoint(address, info);
        return info;
    }

    /// <summary>Removes everything <see cref="Plumb"/> made on the node (the pod side goes with the veth pair).</summary>
    public static void Unplumb(NodeDatapath datapath, int endpointId, IPAddress address)
    {
        datapath.RemoveEndpoint(address);
        using var rtnl = new RtNetlink();
        var hostName = DeviceNames.HostVeth(endpointId);
        if (rtnl.GetLink(hostName) is not null)
        {
            rtnl.Delete(hostName); // takes its routes, neighbours and tc filters along, and eth0 in the pod
        }
    }

    /// <summary>A locally administered unicast MAC derived from the endpoint address, different per side.</summary>
    public static PhysicalAddress MacFor(IPAddress address, string side)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes($"{side}/{address}"));
        hash[0] = (byte)((hash[0] & 0xfe) | 0x02);
        return new PhysicalAddress(hash[..6]);
    }
}
