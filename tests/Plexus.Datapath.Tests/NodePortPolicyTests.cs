using System.Net;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Services;
using Plexus.Datapath.Tests.Support;
using Plexus.Model.State;
using Plexus.Policy;
using static Plexus.Datapath.Tests.Support.DatapathUnderTest;

namespace Plexus.Datapath.Tests;

/// <summary>
/// Ingress policy of a local backend on node port / LoadBalancer traffic that from-network delivers itself
/// (BPF_PROG_TEST_RUN): the client's identity comes from the ipcache (world when unknown), the first packet of a
/// connection is checked, drops report 133/181 at FROM_NETWORK, audit mode passes, and established connections go on.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class NodePortPolicyTests : IDisposable
{
    private const string PodB = "10.1.1.3";
    private const string RemotePod = "10.1.2.7";
    private const string RemoteNode = "172.20.1.12";
    private const string World1 = "198.51.100.10";
    private const string World2 = "198.51.100.20";
    private const ushort NodePort = 30080;
    private const int EpB = 2;
    private const uint IdB = 2000;
    private const uint World = (uint)ReservedIdentity.World;
    private const uint CidrWorld1 = IdentityNumbers.LocalScopeFlag | 7;
    private const string Rule = "CiliumNetworkPolicy/x/b rule#0 ingress#0";
    private readonly DatapathUnderTest _dp = new();

    public NodePortPolicyTests()
    {
        _dp.AddEndpoint(PodB, identity: IdB, macTag: EpB);
        _dp.AddIpCache("10.1.2.0/24", identity: 3000, tunnelEndpoint: RemoteNode);
        _dp.AddIpCache($"{NodeIp}/32", identity: (uint)ReservedIdentity.Host);
        _dp.Services.Sync([Frontend(PodB)]);
    }

    public void Dispose() => _dp.Dispose();

    [Fact]
    public void Default_deny_of_a_local_backend_drops_a_node_port_syn_from_the_world_with_133()
    {
        Sync(ingress: Enforced, entries: []);

        var (verdict, _) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5555, NodeIp.ToString(), NodePort));

        Assert.Equal(TcActShot, verdict);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((1, DropReason.PolicyDenied, (byte)1, (byte)TracePoint.FromNetwork, World, IdB, 0u),
            (drop.Type, (DropReason)drop.Reason, drop.Direction, drop.ObservationPoint, drop.SourceIdentity, drop.DestinationIdentity, drop.RuleId));
        Assert.Equal(1UL, _dp.Counted(DropReason.PolicyDenied, direction: 1));
        Assert.Null(_dp.Conntrack(World1, 5555, PodB, 8080, Packet.Tcp));
    }

    [Fact]
    public void An_allow_rule_for_the_world_lets_the_node_port_through_with_its_rule_in_the_trace()
    {
        Sync(ingress: Enforced, entries: [Allow(World, PortPrefix.Single(8080))]);

        var (verdict, output) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5556, NodeIp.ToString(), NodePort));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal((IPAddress.Parse(PodB), (ushort)8080), (Packet.Destination(output), Packet.DestinationPort(output)));
        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal((4, (byte)TracePoint.ToEndpoint, World, IdB), (trace.Type, trace.ObservationPoint, trace.SourceIdentity, trace.DestinationIdentity));
        Assert.Equal([Rule], _dp.Policy.DescribeRule(trace.RuleId));
        Assert.Equal(World, _dp.Conntrack(World1, 5556, PodB, 8080, Packet.Tcp)!.Value.SourceIdentity);

        // The policy port is the backend's (after translation), not the node port.
        Sync(ingress: Enforced, entries: [Allow(World, PortPrefix.Single(NodePort))]);
        Assert.Equal(TcActShot, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5557, NodeIp.ToString(), NodePort)).Verdict);
    }

    [Fact]
    public void An_explicit_deny_wins_over_an_allow_all_with_181()
    {
        Sync(ingress: Open, entries:
        [
            new PolicyEntry(new PolicyKey(PolicyDirection.Ingress, 0, IpProtocols.Any, PortPrefix.All), EntryVerdict.Allow, 0, ["allow-all"]),
            new PolicyEntry(new PolicyKey(PolicyDirection.Ingress, World, Packet.Tcp, PortPrefix.Single(8080)), EntryVerdict.Deny, 0, ["CiliumNetworkPolicy/x/d rule#0 ingressDeny#0"]),
        ]);

        Assert.Equal(TcActShot, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5558, NodeIp.ToString(), NodePort)).Verdict);

        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((DropReason.PolicyDeny, World, IdB), ((DropReason)drop.Reason, drop.SourceIdentity, drop.DestinationIdentity));
        Assert.Equal(["CiliumNetworkPolicy/x/d rule#0 ingressDeny#0"], _dp.Policy.DescribeRule(drop.RuleId));
        Assert.Equal(1UL, _dp.Counted(DropReason.PolicyDeny, direction: 1));
    }

    [Fact]
    public void The_client_identity_comes_from_the_ipcache_so_cidr_rules_match_external_clients()
    {
        _dp.AddIpCache($"{World1}/32", identity: CidrWorld1);
        Sync(ingress: Enforced, entries: [Allow(CidrWorld1, PortPrefix.Single(8080))]);

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5559, NodeIp.ToString(), NodePort)).Verdict);
        Assert.Equal(CidrWorld1, Assert.Single(_dp.TakeEvents()).SourceIdentity);

        Assert.Equal(TcActShot, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World2, 5559, NodeIp.ToString(), NodePort)).Verdict);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((DropReason.PolicyDenied, World), ((DropReason)drop.Reason, drop.SourceIdentity));
    }

    [Fact]
    public void Audit_mode_forwards_a_would_be_drop_and_reports_it()
    {
        Sync(ingress: new DirectionPolicy(true, true, ["test"]), entries: []);

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5560, NodeIp.ToString(), NodePort)).Verdict);

        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal((4, DatapathConstants.VerdictAudit, DropReason.PolicyDenied, World), (trace.Type, trace.Verdict, (DropReason)trace.Reason, trace.SourceIdentity));
        Assert.Equal(0UL, _dp.Counted(DropReason.PolicyDenied, direction: 1));
    }

    [Fact]
    public void An_established_node_port_connection_continues_after_a_deny_all_is_installed()
    {
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5561, NodeIp.ToString(), NodePort)).Verdict);

        Sync(ingress: Enforced, entries: []);
        _dp.TakeEvents();

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5561, NodeIp.ToString(), NodePort, flags: 0x10)).Verdict);
        Assert.Empty(_dp.TakeEvents());
        Assert.Equal(TcActShot, _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5562, NodeIp.ToString(), NodePort)).Verdict);
    }

    [Fact]
    public void A_remote_backend_is_left_to_its_own_node_whose_from_overlay_checks_the_vni()
    {
        // The local endpoint's deny-all must not stop traffic for a backend on another node.
        _dp.Services.Sync([Frontend(RemotePod)]);
        Sync(ingress: Enforced, entries: []);

        var (verdict, output) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World1, 5563, NodeIp.ToString(), NodePort));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(IPAddress.Parse(RemotePod), Packet.Destination(output));
        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal(((byte)TracePoint.ToOverlay, World), (trace.ObservationPoint, trace.SourceIdentity));
    }

    private static readonly DirectionPolicy Enforced = new(true, false, ["test"]);
    private static readonly DirectionPolicy Open = DirectionPolicy.Open;

    private void Sync(DirectionPolicy ingress, IReadOnlyList<PolicyEntry> entries)
    {
        var result = _dp.Policy.Sync(EpB, entries, ingress, Open);
        Assert.True(result.Succeeded, result.Message);
    }

    private static PolicyEntry Allow(uint identity, PortPrefix ports) =>
        new(new PolicyKey(PolicyDirection.Ingress, identity, Packet.Tcp, ports), EntryVerdict.Allow, 0, [Rule]);

    private static ServiceFrontend Frontend(string backend) => new()
    {
        Service = "x/b",
        Kind = ServiceFrontendKind.NodePort,
        Address = IPAddress.Any,
        Port = NodePort,
        Protocol = Packet.Tcp,
        Backends = [new ServiceBackend(IPAddress.Parse(backend), 8080, Pod: $"x/{backend}")],
    };
}
