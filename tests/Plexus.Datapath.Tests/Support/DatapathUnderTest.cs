using System.Net;
using System.Runtime.InteropServices;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Datapath.Policy;
using Plexus.Datapath.Services;
using Plexus.Interop.Bpf;

namespace Plexus.Datapath.Tests.Support;

/// <summary>
/// The three real objects loaded with test constants and their maps pinned in a unique bpffs directory (removed on
/// dispose). Programs run on crafted packets through BPF_PROG_TEST_RUN; nothing is attached to any device.
/// Endpoints use ifindex 1 (lo), the only device test runs may name.
/// </summary>
public sealed class DatapathUnderTest : IDisposable
{
    public const int TcActOk = 0;
    public const int TcActShot = 2;
    public const int TcActRedirect = 7;
    public static readonly IPAddress NodeIp = IPAddress.Parse("172.20.1.11");

    private readonly BpfObject _lxc;
    private readonly BpfObject _overlay;
    private readonly BpfObject _host;
    private readonly List<FlowEvent> _events = [];
    /// <summary>The policy map's size in these tests: small, so the overflow test fills it quickly (the agent's default is 262,144).</summary>
    public const int PolicyMapEntries = 16_384;

    private readonly BpfRingBuffer _ring;

    private ServiceMaps? _services;
    private PolicyMaps? _policy;

    public DatapathUnderTest(int maglevTableSize = Model.LoadBalancing.MaglevTable.DefaultSize)
    {
        BpfFs.EnsureMounted();
        PinDirectory = Path.Combine(BpfFs.DefaultPath, $"plxt-dp-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(PinDirectory);
        var config = new DatapathConfig
        {
            Node = "test",
            NodeAddress = NodeIp,
            UnderlayDevice = "lo",
            ClusterPodCidr = IPNetwork.Parse("10.1.0.0/16"),
            PinRoot = BpfFs.DefaultPath,
            ObjectDirectory = InstallPaths.BpfDirectory(),
            MaglevTableSize = maglevTableSize,
            PolicyMapEntries = PolicyMapEntries,
        };
        config = config with { PinRoot = Path.GetDirectoryName(PinDirectory)!, Node = Path.GetFileName(PinDirectory) };
        _lxc = NodeDatapath.Load(config, ProgramNames.LxcObject, 1, 1);
        _overlay = NodeDatapath.Load(config, ProgramNames.OverlayObject, 1, 1);
        _host = NodeDatapath.Load(config, ProgramNames.HostObject, 1, 1);
        _ring = new BpfRingBuffer(Map(MapNames.Events), record => _events.Add(MemoryMarshal.Read<FlowEvent>(record)));
    }

    public string PinDirectory { get; }

    /// <summary>The service maps of this datapath (one instance, as the agent has).</summary>
    public ServiceMaps Services => _services ??= new ServiceMaps(_lxc);

    /// <summary>The policy maps of this datapath (one instance, as the agent has).</summary>
    public PolicyMaps Policy => _policy ??= new PolicyMaps(_lxc);

    /// <summary>A second, independent view of the same pinned maps: what an agent restart would construct.</summary>
    public ServiceMaps NewServiceMaps() => new(_lxc);

    public BpfMap Map(string name) => _lxc.GetMap(name);

    public BpfProgram FromEndpoint => _lxc.GetProgram(ProgramNames.FromEndpoint);

    public BpfProgram FromOverlay => _overlay.GetProgram(ProgramNames.FromOverlay);

    public BpfProgram ToOverlay => _overlay.GetProgram(ProgramNames.ToOverlay);

    public BpfProgram FromNetwork => _host.GetProgram(ProgramNames.FromNetwork);

    /// <summary>Adds a local endpoint on lo with distinct pod and gateway MACs.</summary>
    public void AddEndpoint(string ip, uint identity, byte macTag)
    {
        var info = new EndpointInfo
        {
            IfIndex = 1,
            Identity = identity,
            EndpointId = macTag,
            Flags = DatapathConstants.EndpointReady,
            Mac = Mac.From([0x02, 0xaa, 0, 0, 0, macTag]),
            NodeMac = Mac.From([0x02, 0xbb, 0, 0, 0, macTag]),
        };
        Map(MapNames.Endpoints).Update(NodeDatapath.EndpointKeyOf(IPAddress.Parse(ip)), info);
    }

    public void AddIpCache(string prefix, uint identity, string? tunnelEndpoint = null) =>
        Map(MapNames.IpCache).Update(NodeDatapath.IpCacheKeyOf(IPNetwork.Parse(prefix)), new IpCacheInfo
        {
            Identity = identity,
            TunnelEndpoint = tunnelEndpoint is null ? 0 : NodeDatapath.NetworkOrder(IPAddress.Parse(tunnelEndpoint)),
        });

    /// <summary>Another node's pod block, as the agent writes it from that node's record (plx_tunnel).</summary>
    public void AddPodBlock(string prefix, string node) =>
        Map(MapNames.Tunnel).Update(NodeDatapath.IpCacheKeyOf(IPNetwork.Parse(prefix)), new IpCacheInfo
        {
            Identity = (uint)Model.State.ReservedIdentity.World,
            TunnelEndpoint = NodeDatapath.NetworkOrder(IPAddress.Parse(node)),
        });

    /// <summary>Runs <paramref name="program"/> on <paramref name="packet"/> arriving on lo; returns the verdict and the packet as it left.</summary>
    public (int Verdict, byte[] Output) Run(BpfProgram program, byte[] packet)
    {
        var output = new byte[packet.Length + 256];
        var context = new SkBuff { IfIndex = 1 };
        var result = program.TestRun(packet, output, ref context);
        return ((int)result.ReturnValue, output[..result.DataSizeOut]);
    }

    /// <summary>Events emitted since the last call.</summary>
    public List<FlowEvent> TakeEvents()
    {
        _ring.Consume();
        var events = _events.ToList();
        _events.Clear();
        return events;
    }

    /// <summary>Packets counted for (reason, direction), summed over CPUs.</summary>
    public ulong Counted(DropReason reason, byte direction) =>
        Map(MapNames.Metrics).LookupPerCpu<MetricsKey, MetricsValue>(new MetricsKey { Reason = (byte)reason, Direction = direction })
            ?.Aggregate(0UL, (sum, v) => sum + v.Packets) ?? 0;

    public CtEntry? Conntrack(string src, ushort sport, string dst, ushort dport, byte protocol) =>
        Map(MapNames.Conntrack).Lookup<FlowTuple, CtEntry>(Tuple(src, sport, dst, dport, protocol, scope: 0));

    public static FlowTuple Tuple(string src, ushort sport, string dst, ushort dport, byte protocol, byte scope) => new()
    {
        SourceAddress = Addr16.From(IPAddress.Parse(src)),
        DestinationAddress = Addr16.From(IPAddress.Parse(dst)),
        SourcePort = (ushort)IPAddress.HostToNetworkOrder((short)sport),
        DestinationPort = (ushort)IPAddress.HostToNetworkOrder((short)dport),
        Protocol = protocol,
        Family = DatapathConstants.FamilyIPv4,
        Scope = scope,
    };

    public void Dispose()
    {
        _ring.Dispose();
        _lxc.Dispose();
        _overlay.Dispose();
        _host.Dispose();
        foreach (var pin in Directory.EnumerateFiles(PinDirectory))
        {
            File.Delete(pin);
        }

        Directory.Delete(PinDirectory);
    }
}
