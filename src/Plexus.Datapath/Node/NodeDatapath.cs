using System.Net;
using System.Runtime.InteropServices;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Policy;
using Plexus.Datapath.Services;
using Plexus.Interop.Bpf;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using Plexus.Model.LoadBalancing;
using Plexus.Model.State;

namespace Plexus.Datapath.Node;

/// <summary>
/// The eBPF datapath of one node, set up in the calling thread's network namespace: the VXLAN device, sysctls,
/// the overlay route, the three objects loaded with this node's constants and their maps pinned under
/// <see cref="DatapathConfig.PinDirectory"/>, and the programs attached to the node's devices. Starting again
/// (agent restart) reuses the pinned maps and atomically replaces the attached programs, so forwarding never stops.
/// </summary>
public sealed class NodeDatapath : IDisposable
{
    private readonly BpfObject _lxc;
    private readonly BpfObject _overlay;
    private readonly BpfObject _host;

    private NodeDatapath(DatapathConfig config, BpfObject lxc, BpfObject overlay, BpfObject host, int underlayIndex, int overlayIndex, int overlayMtu)
    {
        PodMtu = overlayMtu;
        Config = config;
        _lxc = lxc;
        _overlay = overlay;
        _host = host;
        UnderlayIndex = underlayIndex;
        OverlayIndex = overlayIndex;
        Endpoints = lxc.GetMap(MapNames.Endpoints);
        IpCache = lxc.GetMap(MapNames.IpCache);
        Tunnel = lxc.GetMap(MapNames.Tunnel);
        Conntrack = lxc.GetMap(MapNames.Conntrack);
        Nat = lxc.GetMap(MapNames.Nat);
        Metrics = lxc.GetMap(MapNames.Metrics);
        Events = lxc.GetMap(MapNames.Events);
        EventsLost = lxc.GetMap(MapNames.EventsLost);
        Services = new ServiceMaps(lxc);
        Policy = new PolicyMaps(lxc);
    }

    /// <summary>The configuration it was started with.</summary>
    public DatapathConfig Config { get; }

    /// <summary>
    /// MTU for pod interfaces: the overlay's, so a full-size pod packet still fits in one VXLAN packet on the underlay
    /// (a larger one would be fragmented on every hop between nodes).
    /// </summary>
    public int PodMtu { get; }

    /// <summary>Ifindex of the underlay device.</summary>
    public int UnderlayIndex { get; }

    /// <summary>Ifindex of the VXLAN device.</summary>
    public int OverlayIndex { get; }

    /// <summary>Local endpoints map.</summary>
    public BpfMap Endpoints { get; }

    /// <summary>IP cache (LPM).</summary>
    public BpfMap IpCache { get; }

    /// <summary>Other nodes' pod blocks (LPM), see <see cref="UpsertPodBlock"/>.</summary>
    public BpfMap Tunnel { get; }

    /// <summary>Conntrack.</summary>
    public BpfMap Conntrack { get; }

    /// <summary>NAT.</summary>
    public BpfMap Nat { get; }

    /// <summary>Per-CPU metrics.</summary>
    public BpfMap Metrics { get; }

    /// <summary>Flow event ring buffer.</summary>
    public BpfMap Events { get; }

    /// <summary>Lost-event counters.</summary>
    public BpfMap EventsLost { get; }

    /// <summary>The service frontends and backends (load balancing).</summary>
    public IServiceDatapath Services { get; }

    /// <summary>The endpoints' policy entries and defaults.</summary>
    public PolicyMaps Policy { get; }

    /// <summary>The from-endpoint program, attached to every endpoint's host-side veth.</summary>
    public BpfProgram FromEndpoint => _lxc.GetProgram(ProgramNames.FromEndpoint);

    /// <summary>Sets up (or adopts) the datapath of this node.</summary>
    public static NodeDatapath Start(DatapathConfig config)
    {
        BpfFs.EnsureMounted();
        Directory.CreateDirectory(config.PinDirectory);
        using var rtnl = new RtNetlink();
        var underlay = rtnl.GetLink(config.UnderlayDevice)
            ?? throw new DatapathException($"underlay device {config.UnderlayDevice} not found");
        var overlay = EnsureOverlayDevice(rtnl, underlay.Mtu - 50);
        foreach (var (key, value) in new[]
        {
            ("net.ipv4.ip_forward", "1"), ("net.ipv4.conf.all.rp_filter", "0"), ("net.ipv4.conf.default.rp_filter", "0"),
            ($"net.ipv4.conf.{DeviceNames.Overlay}.rp_filter", "0"), ($"net.ipv4.conf.{config.UnderlayDevice}.rp_filter", "0"),
        })
        {
            Sysctl.Write(key, value);
        }

        rtnl.ReplaceRoute(new RouteSpec { Destination = config.ClusterPodCidr, OutputLink = overlay.Index, Scope = RouteScope.Link });

        var objects = new List<BpfObject>();
        try
        {
            foreach (var file in new[] { ProgramNames.LxcObject, ProgramNames.OverlayObject, ProgramNames.HostObject })
            {
                objects.Add(Load(config, file, underlay.Index, overlay.Index));
            }

            var datapath = new NodeDatapath(config, objects[0], objects[1], objects[2], underlay.Index, overlay.Index, overlay.Mtu);
            ProgramHooks.AttachToNodeDevice(overlay.Index, objects[1].GetProgram(ProgramNames.FromOverlay), TcAttachPoint.Ingress);
            ProgramHooks.AttachToNodeDevice(overlay.Index, objects[1].GetProgram(ProgramNames.ToOverlay), TcAttachPoint.Egress);
            ProgramHooks.AttachToNodeDevice(underlay.Index, objects[2].GetProgram(ProgramNames.FromNetwork), TcAttachPoint.Ingress);
            datapath.UpsertIpCache(new IPNetwork(config.NodeAddress, 32),
                new IpCacheInfo { Identity = (uint)ReservedIdentity.Host, Flags = DatapathConstants.IpCacheLocalNode });
            return datapath;
        }
        catch
        {
            foreach (var o in objects)
            {
                o.Dispose();
            }

            throw;
        }
    }

    /// <summary>Attaches from-endpoint to the ingress hook of an endpoint's host-side veth (replacing what was there).</summary>
    public void AttachEndpoint(int hostVethIndex) => ProgramHooks.AttachToEndpoint(hostVethIndex, FromEndpoint, TcAttachPoint.Ingress);

    /// <summary>Adds or replaces a local endpoint.</summary>
    public void UpsertEndpoint(IPAddress address, EndpointInfo info) => Endpoints.Update(EndpointKeyOf(address), info);

    /// <summary>Removes a local endpoint; false when it was not there.</summary>
    public bool RemoveEndpoint(IPAddress address) => Endpoints.Delete(EndpointKeyOf(address));

    /// <summary>Adds or replaces an ipcache prefix.</summary>
    public void UpsertIpCache(IPNetwork prefix, IpCacheInfo info) => IpCache.Update(IpCacheKeyOf(prefix), info);

    /// <summary>Removes an ipcache prefix; false when it was not there.</summary>
    public bool RemoveIpCache(IPNetwork prefix) => IpCache.Delete(IpCacheKeyOf(prefix));

    /// <summary>
    /// Routes another node's pod block into the tunnel to <paramref name="node"/>: a pod of that block the ipcache does
    /// not know yet is reachable with the world's identity until its record arrives (as Cilium's tunnel map).
    /// </summary>
    public void UpsertPodBlock(IPNetwork block, IPAddress node) =>
        Tunnel.Update(IpCacheKeyOf(block), new IpCacheInfo { Identity = (uint)ReservedIdentity.World, TunnelEndpoint = NetworkOrder(node) });

    /// <summary>Removes another node's pod block; false when it was not there.</summary>
    public bool RemovePodBlock(IPNetwork block) => Tunnel.Delete(IpCacheKeyOf(block));

    /// <summary>The endpoint map key of an address.</summary>
    public static EndpointKey EndpointKeyOf(IPAddress address) =>
        new() { Ip = Addr16.From(address), Family = Addr16.FamilyOf(address) };

    /// <summary>The ipcache key of a prefix (the LPM prefix length covers family and padding too).</summary>
    public static IpCacheKey IpCacheKeyOf(IPNetwork prefix) =>
        new() { PrefixLength = (uint)(32 + prefix.PrefixLength), Family = Addr16.FamilyOf(prefix.BaseAddress), Ip = Addr16.From(prefix.BaseAddress) };

    /// <summary>An IPv4 address as the datapath stores it (network order in memory).</summary>
    public static uint NetworkOrder(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return MemoryMarshal.Read<uint>(bytes);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _lxc.Dispose();
        _overlay.Dispose();
        _host.Dispose();
    }

    /// <summary>Opens one object with this node's pin directory and constants, and loads it.</summary>
    internal static BpfObject Load(DatapathConfig config, string file, int underlayIndex, int overlayIndex)
    {
        var obj = BpfObject.Open(Path.Combine(config.ObjectDirectory, file), new BpfObjectOptions { PinRootPath = config.PinDirectory });
        try
        {
            obj.SetConstant("CONFIG_NODE_IP", NetworkOrder(config.NodeAddress));
            obj.SetConstant("CONFIG_NODE_IFINDEX", (uint)underlayIndex);
            obj.SetConstant("CONFIG_OVERLAY_IFINDEX", (uint)overlayIndex);
            obj.SetConstant("CONFIG_CLUSTER_ID", (uint)config.ClusterId);
            ConfigureMaglev(config, obj);
            ConfigurePolicyMap(config, obj);
            obj.Load();
            return obj;
        }
        catch (Exception e)
        {
            obj.Dispose();
            throw new DatapathException($"loading {file}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Sizes the Maglev map's values (M backend ids) and tells the programs M. A pinned Maglev map of another M cannot
    /// be reused: it is unpinned with the services map, which then no longer names tables that do not exist; the
    /// service controller's next sync programs every frontend again.
    /// </summary>
    private static void ConfigureMaglev(DatapathConfig config, BpfObject obj)
    {
        var size = config.MaglevTableSize;
        if (!MaglevTable.IsPrime(size) || size < MaglevTable.MinSize || size > MaglevTable.MaxSize)
        {
            throw new DatapathException($"Maglev table size {size} must be a prime between {MaglevTable.MinSize} and {MaglevTable.MaxSize}");
        }

        obj.SetConstant("CONFIG_MAGLEV_M", (uint)size);
        var maglev = obj.GetMap(MapNames.LbMaglev);
        maglev.SetValueSize(sizeof(uint) * size);
        var pin = Path.Combine(config.PinDirectory, MapNames.LbMaglev);
        bool stale;
        using (var pinned = BpfMap.TryOpenPinned(pin))
        {
            stale = pinned is not null && !maglev.IsCompatibleWith(pinned, out _);
        }

        if (stale)
        {
            File.Delete(pin);
            File.Delete(Path.Combine(config.PinDirectory, MapNames.LbServices));
        }
    }

    /// <summary>
    /// Sizes the shared policy map (an LPM trie allocates per entry, so capacity costs nothing until used). A pinned map
    /// of another size cannot be reused: it is unpinned, and the policy controller's first pass programs every endpoint
    /// again (until then endpoints with policy deny what they no longer find, never allow more).
    /// </summary>
    private static void ConfigurePolicyMap(DatapathConfig config, BpfObject obj)
    {
        if (config.PolicyMapEntries is < DatapathConfig.MinPolicyMapEntries or > DatapathConfig.MaxPolicyMapEntries)
        {
            throw new DatapathException($"policy map size {config.PolicyMapEntries} must be between {DatapathConfig.MinPolicyMapEntries} and {DatapathConfig.MaxPolicyMapEntries}");
        }

        var policy = obj.GetMap(MapNames.Policy);
        policy.SetMaxEntries(config.PolicyMapEntries);
        var pin = Path.Combine(config.PinDirectory, MapNames.Policy);
        bool stale;
        using (var pinned = BpfMap.TryOpenPinned(pin))
        {
            stale = pinned is not null && !policy.IsCompatibleWith(pinned, out _);
        }

        if (stale)
        {
            File.Delete(pin);
        }
    }

    private static LinkInfo EnsureOverlayDevice(RtNetlink rtnl, int mtu)
    {
        if (rtnl.GetLink(DeviceNames.Overlay) is null)
        {
            rtnl.CreateVxlan(DeviceNames.Overlay, DatapathConstants.VxlanPort, external: true, learning: false, mtu: mtu);
        }

        rtnl.SetMtu(DeviceNames.Overlay, mtu);
        rtnl.SetArp(DeviceNames.Overlay, enabled: false);
        rtnl.SetUp(DeviceNames.Overlay);
        return rtnl.GetLink(DeviceNames.Overlay)!;
    }
}
