using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using Plexus.Lab.Topology;
using Plexus.Model;

namespace Plexus.Cli.Bench;

/// <summary>
/// The baseline: the same namespaces as the Plexus lab (fabric bridge, two node namespaces, one pod namespace per
/// node), each pod joined to its node by a veth pair with a /32 address and a link-local gateway, and the nodes joined
/// by a plain kernel VXLAN device with a static remote, IP forwarding and static routes. No BPF program anywhere.
/// Built with the netlink client; only the VXLAN device is made with <c>ip</c>, since the netlink client has no
/// remote/local attributes for it.
/// </summary>
public static class BaselineBed
{
    /// <summary>The pods' MTU: the underlay's 1500 less the 50 bytes of VXLAN encapsulation.</summary>
    public const int PodMtu = 1450;

    private const string HostVeth = "lxc0";
    private const string Overlay = "vxlan0";
    private const int Vni = 42;
    private const int VxlanPort = 8472;
    private static readonly IPAddress Gateway = IPAddress.Parse("169.254.1.1");
    private static readonly string[] Pods = ["client", "server"];

    /// <summary>The namespace layout, expressed as a lab topology so <see cref="LabNetwork"/> builds and destroys it.</summary>
    public static LabTopology Topology(string name) => new(
        name,
        [new LabCluster("c1", 1, Cidr.Parse("10.1.0.0/16"), ["n1", "n2"])],
        [new LabNamespace("bench", new Dictionary<string, string>())],
        [
            new LabPod(Pods[0], "bench", "c1", "n1", new Dictionary<string, string>(), []),
            new LabPod(Pods[1], "bench", "c1", "n2", new Dictionary<string, string>(), []),
        ],
        []);

    /// <summary>Builds the baseline named <paramref name="name"/>.</summary>
    public static async Task<BenchBed> UpAsync(string name, Action<string> progress, CancellationToken cancellationToken)
    {
        var topology = Topology(name);
        var cluster = topology.Clusters[0];
        LabNetwork.Create(topology);
        for (var i = 0; i < 2; i++)
        {
            var peer = 1 - i;
            var nodeNs = LabNames.Node(name, cluster.Name, cluster.Nodes[i]);
            var podNs = LabNames.Pod(name, cluster.Name, "bench", Pods[i]);
            PlumbPod(nodeNs, podNs, PodIp(i), HostVeth);
            await BenchProcess.RunAsync(nodeNs,
            [
                "ip", "link", "add", Overlay, "mtu", Text(PodMtu), "type", "vxlan", "id", Text(Vni),
                "local", LabNames.NodeAddress(cluster, i).ToString(), "remote", LabNames.NodeAddress(cluster, peer).ToString(),
                "dstport", Text(VxlanPort), "dev", "eth0", "nolearning",
            ], TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            RouteOverlay(nodeNs, i, peer);
        }

        progress($"baseline {name} is up (kernel VXLAN, static routes, no BPF)");
        return new BenchBed("baseline", LabNames.Pod(name, cluster.Name, "bench", Pods[0]), LabNames.Pod(name, cluster.Name, "bench", Pods[1]), PodIp(1), PodMtu,
            new BaselinePods(name), new IptablesServices(LabNames.Node(name, cluster.Name, cluster.Nodes[0]), PodIp(1), cluster.PodCidr.ToString()));
    }

    /// <summary>Removes every namespace of baseline <paramref name="name"/>, with whatever runs in them.</summary>
    public static Task<IReadOnlyList<string>> DownAsync(string name) => LabNetwork.DestroyAsync(name, Topology(name));

    private static IPAddress PodIp(int node) => IPAddress.Parse($"10.1.{node + 1}.10");

    private static IPAddress TunnelIp(int node) => IPAddress.Parse($"10.255.0.{node + 1}");

    /// <summary>
    /// Joins pod namespace <paramref name="podNs"/> to node namespace <paramref name="nodeNs"/> as the agent would: a
    /// veth (<paramref name="hostVeth"/> ↔ eth0), a /32 <paramref name="address"/>, a link-local gateway with a static
    /// neighbour entry on both ends, and a host route to the pod.
    /// </summary>
    internal static void PlumbPod(string nodeNs, string podNs, IPAddress address, string hostVeth)
    {
        var hostMac = RandomMac();
        var podMac = RandomMac();
        using var node = NetNs.Open(nodeNs);
        using var pod = NetNs.Open(podNs);
        NetNs.Run(node, () =>
        {
            using var rtnl = new RtNetlink();
            rtnl.CreateVeth(hostVeth, "eth0", pod, hostMac, podMac, PodMtu);
            rtnl.SetUp(hostVeth);
            Sysctl.Write("net.ipv4.ip_forward", "1");
            Sysctl.Write("net.ipv4.conf.all.rp_filter", "0");
            Sysctl.Write($"net.ipv4.conf.{hostVeth}.rp_filter", "0");
            rtnl.ReplaceRoute(new RouteSpec { Destination = new IPNetwork(address, 32), OutputLink = hostVeth, Scope = RouteScope.Link });
            rtnl.AddNeighbour(hostVeth, address, podMac);
        });
        NetNs.Run(pod, () =>
        {
            using var rtnl = new RtNetlink();
            rtnl.SetUp("lo");
            rtnl.SetUp("eth0");
            Sysctl.Write("net.ipv6.conf.all.disable_ipv6", "1");
            rtnl.AddAddress("eth0", address, 32);
            rtnl.ReplaceRoute(new RouteSpec { Destination = new IPNetwork(Gateway, 32), OutputLink = "eth0", Scope = RouteScope.Link });
            rtnl.ReplaceRoute(new RouteSpec { Destination = IPNetwork.Parse("0.0.0.0/0"), Gateway = Gateway, OutputLink = "eth0", OnLink = true });
            rtnl.AddNeighbour("eth0", Gateway, hostMac);
        });
    }

    private static void RouteOverlay(string nodeNs, int self, int peer)
    {
        using var node = NetNs.Open(nodeNs);
        NetNs.Run(node, () =>
        {
            using var rtnl = new RtNetlink();
            rtnl.AddAddress(Overlay, TunnelIp(self), 24);
            rtnl.SetUp(Overlay);
            rtnl.ReplaceRoute(new RouteSpec { Destination = IPNetwork.Parse($"10.1.{peer + 1}.0/24"), Gateway = TunnelIp(peer), OutputLink = Overlay });
        });
    }

    private static PhysicalAddress RandomMac()
    {
        var bytes = RandomNumberGenerator.GetBytes(6);
        bytes[0] = (byte)((bytes[0] & 0xfe) | 0x02);
        return new PhysicalAddress(bytes);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
