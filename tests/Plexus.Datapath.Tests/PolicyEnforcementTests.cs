using System.Net;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Services;
using Plexus.Datapath.Tests.Support;
using Plexus.Policy;
using static Plexus.Datapath.Tests.Support.DatapathUnderTest;

namespace Plexus.Datapath.Tests;

/// <summary>
/// Policy enforcement on crafted packets (BPF_PROG_TEST_RUN): egress at from-endpoint after service translation,
/// ingress at local delivery, drop reasons 133/181 with identities and rule ids, stateful replies, port prefixes,
/// the wildcard identity and audit mode; the datapath's answers are checked against PolicyEvaluator.Decide.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PolicyEnforcementTests : IDisposable
{
    private const string PodA = "10.1.1.2";
    private const string PodB = "10.1.1.3";
    private const string PodC = "10.1.1.4";
    private const string World = "198.51.100.10";
    private const string Vip = "10.96.0.10";
    private const int EpA = 1;
    private const int EpB = 2;
    private const uint IdA = 1000;
    private const uint IdB = 2000;
    private const uint IdC = 3000;
    private const string Rule = "CiliumNetworkPolicy/x/p rule#0 egress#0";
    private readonly DatapathUnderTest _dp = new();

    public PolicyEnforcementTests()
    {
        _dp.AddEndpoint(PodA, identity: IdA, macTag: EpA);
        _dp.AddEndpoint(PodB, identity: IdB, macTag: EpB);
        _dp.AddEndpoint(PodC, identity: IdC, macTag: 3);
    }

    public void Dispose() => _dp.Dispose();

    [Fact]
    public void Egress_allow_rule_lets_its_port_through_and_default_deny_drops_the_rest_with_133()
    {
        Sync(EpA, egress: Enforced, entries: [Allow(PolicyDirection.Egress, IdB, Packet.Tcp, PortPrefix.Single(80))]);

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);
        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal(4, trace.Type);
        Assert.Equal([Rule], _dp.Policy.DescribeRule(trace.RuleId));

        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40001, PodB, 81)).Verdict);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((1, DropReason.PolicyDenied, (byte)2, IdA, IdB, 0u),
            (drop.Type, (DropReason)drop.Reason, drop.Direction, drop.SourceIdentity, drop.DestinationIdentity, drop.RuleId));
        Assert.Equal(1UL, _dp.Counted(DropReason.PolicyDenied, direction: 2));
        Assert.Null(_dp.Conntrack(PodA, 40001, PodB, 81, Packet.Tcp));

        // Another peer on the allowed port: no entry for its identity.
        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40002, PodC, 80)).Verdict);
        Assert.Equal(IdC, Assert.Single(_dp.TakeEvents()).DestinationIdentity);
    }

    [Fact]
    public void Explicit_deny_drops_with_181_even_where_a_wildcard_allow_matches()
    {
        Sync(EpA, egress: Open, entries:
        [
            Allow(PolicyDirection.Egress, 0, IpProtocols.Any, PortPrefix.All),
            new PolicyEntry(new PolicyKey(PolicyDirection.Egress, IdB, Packet.Tcp, PortPrefix.Single(22)), EntryVerdict.Deny, 0, ["CiliumNetworkPolicy/x/d rule#0 egressDeny#0"]),
        ]);

        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 22)).Verdict);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((DropReason.PolicyDeny, IdA, IdB), ((DropReason)drop.Reason, drop.SourceIdentity, drop.DestinationIdentity));
        Assert.Equal(["CiliumNetworkPolicy/x/d rule#0 egressDeny#0"], _dp.Policy.DescribeRule(drop.RuleId));
        Assert.Equal(1UL, _dp.Counted(DropReason.PolicyDeny, direction: 2));

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40001, PodB, 23)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40002, PodC, 22)).Verdict);
    }

    [Fact]
    public void Default_deny_without_entries_drops_every_new_connection_including_the_world()
    {
        Sync(EpA, egress: Enforced, entries: []);

        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.UdpPacket(PodA, 40000, World, 53)).Verdict);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((DropReason.PolicyDenied, IdA, 2u), ((DropReason)drop.Reason, drop.SourceIdentity, drop.DestinationIdentity));
    }

    [Fact]
    public void Ingress_policy_of_a_local_destination_is_enforced_at_delivery()
    {
        Sync(EpB, ingress: Enforced, entries: [Allow(PolicyDirection.Ingress, IdA, Packet.Tcp, PortPrefix.Single(80))]);

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);
        _dp.TakeEvents();
        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodC, 40000, PodB, 80)).Verdict);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((DropReason.PolicyDenied, (byte)1, (byte)TracePoint.ToEndpoint, IdC, IdB),
            ((DropReason)drop.Reason, drop.Direction, drop.ObservationPoint, drop.SourceIdentity, drop.DestinationIdentity));
        Assert.Equal(1UL, _dp.Counted(DropReason.PolicyDenied, direction: 1));
    }

    [Fact]
    public void Established_connections_and_replies_continue_after_a_deny_all_is_installed()
    {
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);

        Sync(EpA, egress: Enforced, ingress: Enforced, entries: []);
        Sync(EpB, egress: Enforced, ingress: Enforced, entries: []);
        _dp.TakeEvents();

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 80, PodA, 40000, flags: 0x12)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80, flags: 0x10)).Verdict);
        Assert.Empty(_dp.TakeEvents());
        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40001, PodB, 80)).Verdict);
    }

    [Theory]
    [InlineData(40000, 80)] // the usual way: the reply comes from the lower port
    [InlineData(80, 40000)] // the other way round: conntrack's first guess (a reply) misses and the opener's tuple decides
    public void Either_port_order_keeps_one_entry_per_connection_with_its_replies(int clientPort, int serverPort)
    {
        var (client, server) = ((ushort)clientPort, (ushort)serverPort);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, client, PodB, server)).Verdict);
        Sync(EpA, egress: Enforced, ingress: Enforced, entries: []);
        Sync(EpB, egress: Enforced, ingress: Enforced, entries: []);
        _dp.TakeEvents();

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, server, PodA, client, flags: 0x12)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, client, PodB, server, flags: 0x10)).Verdict);
        Assert.Empty(_dp.TakeEvents());
        var entry = _dp.Conntrack(PodA, client, PodB, server, Packet.Tcp)!.Value;
        Assert.Equal((3UL, (byte)0x12, DatapathConstants.CtReplySeen), (entry.Packets, entry.TcpFlags, entry.Flags));
        Assert.Null(_dp.Conntrack(PodB, server, PodA, client, Packet.Tcp));
    }

    [Fact]
    public void A_syn_on_the_ports_of_a_closed_connection_is_a_new_connection_and_policy_decides_it()
    {
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 80, PodA, 40000, flags: 0x12)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80, flags: 0x11)).Verdict);

        Sync(EpA, egress: Enforced, entries: []);
        _dp.TakeEvents();

        // The closed connection's last segments still pass; a SYN reusing its ports is judged by the policy in force.
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 80, PodA, 40000, flags: 0x11)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80, flags: 0x10)).Verdict);
        Assert.Empty(_dp.TakeEvents());
        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);
        Assert.Equal(DropReason.PolicyDenied, (DropReason)Assert.Single(_dp.TakeEvents()).Reason);
    }

    [Fact]
    public void A_reopened_connection_starts_its_entry_afresh()
    {
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 80, PodA, 40000, flags: 0x12)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80, flags: 0x11)).Verdict);
        var closed = _dp.Conntrack(PodA, 40000, PodB, 80, Packet.Tcp)!.Value;
        Assert.Equal((3UL, DatapathConstants.CtReplySeen | DatapathConstants.CtClosing), (closed.Packets, closed.Flags));

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);

        // The entry is the new connection's alone: one packet, the SYN's flags, no reply seen, not closing, opened by A.
        var reopened = _dp.Conntrack(PodA, 40000, PodB, 80, Packet.Tcp)!.Value;
        Assert.Equal((1UL, (byte)0x02, (byte)0, IdA), (reopened.Packets, reopened.TcpFlags, reopened.Flags, reopened.SourceIdentity));
        Assert.InRange(reopened.Lifetime - closed.Lifetime, 50u, 51u); // a SYN's 60 s where the closed entry had 10 s left
        Assert.Null(_dp.Conntrack(PodB, 80, PodA, 40000, Packet.Tcp));
    }

    [Fact]
    public void A_retransmitted_syn_of_an_open_connection_stays_in_it()
    {
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);
        Sync(EpA, egress: Enforced, entries: []);
        _dp.TakeEvents();

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);
        Assert.Empty(_dp.TakeEvents());
    }

    [Theory]
    [InlineData(79, false)]
    [InlineData(80, true)]
    [InlineData(83, true)]
    [InlineData(84, true)]
    [InlineData(85, true)]
    [InlineData(86, false)]
    public void A_port_range_is_matched_through_its_prefixes(int port, bool allowed)
    {
        Sync(EpA, egress: Enforced, entries: PortPrefix.FromRange(80, 85).Select(p => Allow(PolicyDirection.Egress, IdB, Packet.Udp, p)).ToList());

        var (verdict, _) = _dp.Run(_dp.FromEndpoint, Packet.UdpPacket(PodA, 40000, PodB, (ushort)port));

        Assert.Equal(allowed ? TcActRedirect : TcActShot, verdict);
    }

    [Fact]
    public void Wildcard_identity_allows_every_peer_on_its_port()
    {
        Sync(EpA, egress: Enforced, entries: [Allow(PolicyDirection.Egress, 0, Packet.Tcp, PortPrefix.Single(443))]);

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 443)).Verdict);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodC, 443)).Verdict);
        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodC, 444)).Verdict);
    }

    [Fact]
    public void Audit_mode_forwards_a_would_be_drop_and_records_the_verdict_and_reason()
    {
        Sync(EpA, egress: new DirectionPolicy(true, true, ["NetworkPolicy/x/p"]), entries: []);

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, PodB, 80)).Verdict);

        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal((4, DatapathConstants.VerdictAudit, DropReason.PolicyDenied), (trace.Type, trace.Verdict, (DropReason)trace.Reason));
        Assert.Equal(0UL, _dp.Counted(DropReason.PolicyDenied, direction: 2));
    }

    [Fact]
    public void Egress_policy_sees_the_backend_after_service_translation()
    {
        _dp.Services.Sync([new ServiceFrontend
        {
            Service = "x/svc",
            Kind = ServiceFrontendKind.ClusterIP,
            Address = IPAddress.Parse(Vip),
            Port = 80,
            Protocol = Packet.Tcp,
            Backends = [new ServiceBackend(IPAddress.Parse(PodB), 8080)],
        }]);
        Sync(EpA, egress: Enforced, entries: [Allow(PolicyDirection.Egress, IdB, Packet.Tcp, PortPrefix.Single(8080))]);

        var (verdict, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, Vip, 80));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(IPAddress.Parse(PodB), Packet.Destination(output));
    }

    [Fact]
    public void Icmp_rules_match_the_type()
    {
        Sync(EpB, ingress: Enforced, entries: [Allow(PolicyDirection.Ingress, IdA, Packet.Icmp, PortPrefix.Single(8))]);

        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.IcmpEcho(PodA, PodB, id: 9)).Verdict);
        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.IcmpEcho(PodC, PodB, id: 9)).Verdict);
    }

    [Fact]
    public void The_datapath_decides_like_the_reference_evaluator()
    {
        var ingress = new DirectionPolicy(true, false, ["x"]);
        List<PolicyEntry> entries =
        [
            Allow(PolicyDirection.Ingress, IdA, Packet.Tcp, new PortPrefix(0, 0)),
            Allow(PolicyDirection.Ingress, 0, Packet.Udp, new PortPrefix(1024, 6)),
            Deny(PolicyDirection.Ingress, IdA, Packet.Tcp, new PortPrefix(22, 16)),
            Deny(PolicyDirection.Ingress, 0, Packet.Udp, new PortPrefix(2048, 8)),
            .. PortPrefix.FromRange(5000, 5100).Select(p => Allow(PolicyDirection.Ingress, IdC, Packet.Tcp, p)),
        ];
        var policy = Sync(EpB, ingress: ingress, entries: entries);
        ushort sport = 30000;
        foreach (var (src, id) in new[] { (PodA, IdA), (PodC, IdC) })
        {
            foreach (var protocol in new[] { Packet.Tcp, Packet.Udp })
            {
                foreach (var port in new[] { 1, 22, 23, 1023, 1024, 1050, 1087, 1088, 2047, 2048, 2303, 2304, 4999, 5000, 5063, 5064, 5100, 5101, 65535 })
                {
                    var expected = PolicyEvaluator.Decide(policy, ingress, PolicyDirection.Ingress, id, protocol, port);
                    var packet = protocol == Packet.Tcp ? Packet.TcpPacket(src, sport++, PodB, (ushort)port) : Packet.UdpPacket(src, sport++, PodB, (ushort)port);
                    var (verdict, _) = _dp.Run(_dp.FromEndpoint, packet);
                    var events = _dp.TakeEvents();
                    Assert.True(expected.Forwarded == (verdict == TcActRedirect), $"{id} {protocol}/{port}: evaluator {expected.Decision}, datapath {verdict}");
                    if (!expected.Forwarded)
                    {
                        Assert.Equal(expected.DropReason, Assert.Single(events).Reason);
                    }
                }
            }
        }
    }

    private static readonly DirectionPolicy Enforced = new(true, false, ["test"]);
    private static readonly DirectionPolicy Open = DirectionPolicy.Open;

    private IReadOnlyList<PolicyEntry> Sync(int endpoint, IReadOnlyList<PolicyEntry> entries, DirectionPolicy? ingress = null, DirectionPolicy? egress = null)
    {
        var result = _dp.Policy.Sync(endpoint, entries, ingress ?? Open, egress ?? Open);
        Assert.True(result.Succeeded, result.Message);
        return entries;
    }

    private static PolicyEntry Allow(PolicyDirection direction, uint identity, byte protocol, PortPrefix ports) =>
        new(new PolicyKey(direction, identity, protocol, protocol == IpProtocols.Any ? PortPrefix.All : ports), EntryVerdict.Allow, 0, [Rule]);

    private static PolicyEntry Deny(PolicyDirection direction, uint identity, byte protocol, PortPrefix ports) =>
        new(new PolicyKey(direction, identity, protocol, ports), EntryVerdict.Deny, 0, ["deny"]);
}
