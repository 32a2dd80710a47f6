using System.Buffers.Binary;
using System.Net;
using Plexus.Agent.Flows;
using Plexus.Datapath.Maps;
using Plexus.Flows;

namespace Plexus.Agent.Tests;

public sealed class FlowDecoderTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.1.0.2");
    private static readonly IPAddress B = IPAddress.Parse("10.1.1.2");
    private static readonly DateTimeOffset Boot = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private static readonly FlowDecoder Decoder = new(new Resolver(), ktime => Boot.AddTicks((long)ktime / 100));

    private static FlowEvent Event(byte type, byte reason, byte dir, byte obs, byte proto = 6, uint rule = 0, byte verdict = 0) => new()
    {
        TimeNs = 1_500_000_000,
        Type = type,
        Reason = reason,
        Direction = dir,
        ObservationPoint = obs,
        SourceIdentity = 65792,
        DestinationIdentity = 65793,
        Family = 4,
        Protocol = proto,
        TcpFlags = 0x12,
        SourceAddress = Addr16.From(A),
        DestinationAddress = Addr16.From(B),
        SourcePort = BinaryPrimitives.ReverseEndianness((ushort)40000),
        DestinationPort = BinaryPrimitives.ReverseEndianness((ushort)8080),
        RuleId = rule,
        Verdict = verdict,
    };

    [Fact]
    public void An_explicit_deny_names_the_deny_rules_policy_on_its_direction()
    {
        var flow = Decoder.Decode(Event(type: 1, reason: 181, dir: 1, obs: 9, rule: 7));
        Assert.Equal("DROPPED", flow.Verdict);
        Assert.Equal(181, flow.DropReason);
        Assert.Equal("POLICY_DENY", flow.DropReasonDesc);
        Assert.Equal(new FlowEventType(1, 181), flow.EventType);
        Assert.Equal("INGRESS", flow.TrafficDirection);
        Assert.Equal("FROM_OVERLAY", flow.TraceObservationPoint);
        Assert.Equal([new FlowPolicy("deny-a", "x", "CiliumNetworkPolicy")], flow.IngressDeniedBy);
        Assert.Null(flow.EgressDeniedBy);
        Assert.Equal(["CiliumNetworkPolicy/x/deny-a rule#0 ingressDeny#0"], flow.PolicyRules);
        Assert.Equal(Boot.AddSeconds(1.5), flow.Time);
        Assert.Equal("c1/n2", flow.NodeName);
    }

    [Fact]
    public void A_default_deny_names_the_policies_that_made_the_direction_default_deny()
    {
        var ingress = Decoder.Decode(Event(type: 1, reason: 133, dir: 1, obs: 101));
        Assert.Equal([new FlowPolicy("b-isolated", "x", "CiliumNetworkPolicy")], ingress.IngressDeniedBy);
        var egress = Decoder.Decode(Event(type: 1, reason: 133, dir: 2, obs: 5));
        Assert.Equal([new FlowPolicy("a-egress", "x", "NetworkPolicy")], egress.EgressDeniedBy);
        Assert.Null(egress.IngressDeniedBy);
    }

    [Fact]
    public void An_allowed_first_packet_names_the_allowing_policy_and_the_endpoints()
    {
        var first = Event(type: 4, reason: 0, dir: 2, obs: 4, rule: 9);
        first.RevNat = 3;
        var flow = Decoder.Decode(first);
        Assert.Equal("FORWARDED", flow.Verdict);
        Assert.Equal(new FlowService("api", "shop"), flow.DestinationService);
        Assert.Equal(0, flow.DropReason);
        Assert.Null(flow.DropReasonDesc);
        Assert.Equal(new FlowEventType(4, 4), flow.EventType);
        Assert.Equal([new FlowPolicy("allow-a", "x", "CiliumNetworkPolicy")], flow.EgressAllowedBy);
        Assert.Equal("a", flow.Source!.PodName);
        Assert.Equal("x", flow.Source.Namespace);
        Assert.Equal(65792u, flow.Source.Identity);
        Assert.Equal(new FlowPorts(40000, 8080, FlowTcpFlags.FromByte(0x12)), flow.L4!.Tcp);
        Assert.Equal("TCP Flags: SYN, ACK", flow.Summary);
        Assert.Equal(new FlowIp("10.1.0.2", "10.1.1.2", "IPv4"), flow.IP);
    }

    [Fact]
    public void Audit_keeps_the_would_be_reason_and_udp_and_icmp_decode()
    {
        var audit = Decoder.Decode(Event(type: 4, reason: 133, dir: 1, obs: 101, proto: 17, verdict: 4));
        Assert.Equal("AUDIT", audit.Verdict);
        Assert.Equal("POLICY_DENIED", audit.DropReasonDesc);
        Assert.Equal(new FlowPorts(40000, 8080), audit.L4!.Udp);
        Assert.Equal("UDP", audit.Summary);
        var ping = Event(type: 4, reason: 0, dir: 2, obs: 5, proto: 1);
        ping.IcmpType = 8;
        var icmp = Decoder.Decode(ping);
        Assert.Equal(new FlowIcmp(8, 0), icmp.L4!.IcmpV4);
        Assert.Equal("ICMPv4 EchoRequest", icmp.Summary);
    }

    [Fact]
    public void Addresses_and_flags_decode_right_every_time_past_what_the_decoder_keeps()
    {
        var decoder = new FlowDecoder(new Resolver(), ktime => Boot.AddTicks((long)ktime / 100));
        var v6 = IPAddress.Parse("a01:2::1"); // its first four bytes are A's, 10.1.0.2
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 5000; i++)
            {
                var ev = Event(type: 4, reason: 0, dir: 2, obs: 4);
                var address = new IPAddress([10, 200, (byte)(i >> 8), (byte)i]);
                ev.DestinationAddress = Addr16.From(address);
                ev.TcpFlags = (byte)(i % 64);
                var flow = decoder.Decode(ev);
                Assert.Equal(new FlowIp("10.1.0.2", address.ToString(), "IPv4"), flow.IP);
                Assert.Equal(FlowTcpFlags.FromByte((byte)(i % 64)), flow.L4!.Tcp!.Flags);
                Assert.Equal("TCP Flags: " + string.Join(", ", FlowTcpFlags.FromByte((byte)(i % 64)).Names()), flow.Summary);
            }

            var six = Event(type: 4, reason: 0, dir: 2, obs: 4);
            six.Family = 6;
            six.SourceAddress = Addr16.From(v6);
            Assert.Equal(new FlowIp("a01:2::1", "a01:102::", "IPv6"), decoder.Decode(six).IP); // B's bytes, read as IPv6
            Assert.Equal("10.1.0.2", decoder.Decode(Event(type: 4, reason: 0, dir: 2, obs: 4)).IP!.Source);
        }
    }

    private sealed class Resolver : IFlowResolver
    {
        public string NodeName => "c1/n2";

        public FlowEndpoint Endpoint(IPAddress address, uint identity) => address.Equals(A)
            ? new FlowEndpoint { Identity = identity, Namespace = "x", PodName = "a", Labels = ["k8s:pod=a"] }
            : new FlowEndpoint { Identity = identity, Namespace = "x", PodName = "b", Labels = ["k8s:pod=b"] };

        public IReadOnlyList<string>? RuleSources(uint ruleId) => ruleId switch
        {
            7 => ["CiliumNetworkPolicy/x/deny-a rule#0 ingressDeny#0"],
            9 => ["CiliumNetworkPolicy/x/allow-a rule#0 egress#0"],
            _ => null,
        };

        public FlowService? Service(ushort serviceId) => serviceId == 3 ? new FlowService("api", "shop") : null;

        public IReadOnlyList<string> EnforcedBy(IPAddress address, int direction) => (address.Equals(A), direction) switch
        {
            (false, 1) => ["CiliumNetworkPolicy/x/b-isolated rule#0"],
            (true, 2) => ["NetworkPolicy/x/a-egress egress"],
            _ => [],
        };
    }
}
