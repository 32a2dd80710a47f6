using System.Net;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Tests.Support;
using static Plexus.Datapath.Tests.Support.DatapathUnderTest;

namespace Plexus.Datapath.Tests;

/// <summary>from-endpoint on crafted packets (BPF_PROG_TEST_RUN): local, tunnel, stack and world decisions, conntrack, drops.</summary>
[Trait("Category", "Privileged")]
public sealed class FromEndpointTests : IDisposable
{
    private const string PodA = "10.1.1.2";
    private const string PodB = "10.1.1.3";
    private const string RemotePod = "10.1.2.7";
    private const string RemoteNode = "172.20.1.12";
    private const string World = "198.51.100.10";
    private readonly DatapathUnderTest _dp = new();

    public FromEndpointTests()
    {
        _dp.AddEndpoint(PodA, identity: 1000, macTag: 1);
        _dp.AddEndpoint(PodB, identity: 2000, macTag: 2);
        _dp.AddIpCache("10.1.2.0/24", identity: 3000, tunnelEndpoint: RemoteNode);
        _dp.AddIpCache($"{NodeIp}/32", identity: (uint)Model.State.ReservedIdentity.Host);
    }

    public void Dispose() => _dp.Dispose();

    [Theory]
    [InlineData(Packet.Tcp)]
    [InlineData(Packet.Udp)]
    [InlineData(Packet.Icmp)]
    public void Packet_to_a_local_endpoint_is_redirected_into_it_with_its_MACs_and_one_less_TTL(byte protocol)
    {
        var packet = protocol switch
        {
            Packet.Tcp => Packet.TcpPacket(PodA, 40000, PodB, 80),
            Packet.Udp => Packet.UdpPacket(PodA, 40000, PodB, 53),
            _ => Packet.IcmpEcho(PodA, PodB, id: 7),
        };

        var (verdict, output) = _dp.Run(_dp.FromEndpoint, packet);

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal([0x02, 0xaa, 0, 0, 0, 2], Packet.DestinationMac(output));
        Assert.Equal([0x02, 0xbb, 0, 0, 0, 2], Packet.SourceMac(output));
        Assert.Equal(63, Packet.Ttl(output));
        Assert.True(Packet.ChecksumsValid(output));
        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal((4, TracePoint.ToEndpoint, 1000u, 2000u, protocol), (trace.Type, (TracePoint)trace.ObservationPoint, trace.SourceIdentity, trace.DestinationIdentity, trace.Protocol));
        Assert.Equal(1UL, _dp.Counted(DropReason.None, direction: 2));
    }

    [Fact]
    public void Ttl_decrement_keeps_the_header_checksum_valid_where_the_incremental_update_carries()
    {
        // The datapath adjusts the checksum for TTL - 1 incrementally (RFC 1624, as ip_decrease_ttl): adding 0x0100 in
        // network order carries out of the checksum's first byte when that byte is 0xff, and out of the word at 0xffff.
        // The identification field picks packets whose checksum starts with 0xfe or 0xff: every carry case and its neighbours.
        var tested = 0;
        for (var id = 0; id <= ushort.MaxValue; id++)
        {
            var packet = Packet.WithIpId(Packet.TcpPacket(PodA, 40000, PodB, 80, flags: 0x10), (ushort)id);
            if (packet[Packet.EthernetLength + 10] < 0xfe)
            {
                continue;
            }

            var (verdict, output) = _dp.Run(_dp.FromEndpoint, packet);
            Assert.Equal(TcActRedirect, verdict);
            Assert.Equal(63, Packet.Ttl(output));
            Assert.True(Packet.ChecksumsValid(output), $"IP id {id}: checksum {output[Packet.EthernetLength + 10]:x2}{output[Packet.EthernetLength + 11]:x2}");
            tested++;
        }

        // 2 × 256 first bytes, less 0xffff: a computed header checksum is never all ones (only an all-zero header sums to 0).
        Assert.Equal(511, tested);
    }

    [Fact]
    public void Packet_to_a_remote_pod_enters_the_tunnel_towards_its_node_with_the_source_identity()
    {
        var (verdict, output) = _dp.Run(_dp.FromEndpoint, Packet.UdpPacket(PodA, 40000, RemotePod, 53));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(64, Packet.Ttl(output)); // the receiving node decrements (one hop per node pair, as Cilium)
        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal(TracePoint.ToOverlay, (TracePoint)trace.ObservationPoint);
        Assert.Equal(1000u, trace.SourceIdentity);
        Assert.Equal(3000u, trace.DestinationIdentity);
        Assert.Equal(NodeDatapath(RemoteNode), trace.TunnelEndpoint);
    }

    [Fact]
    public void Packet_to_a_pod_the_ipcache_does_not_know_yet_enters_the_tunnel_of_the_node_whose_block_holds_it()
    {
        const string NewPod = "10.1.3.9";
        const string ThirdNode = "172.20.1.13";
        // Without the block: an address of nobody known, the world's (masqueraded, towards the network).
        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, NewPod, 80));
        Assert.Contains(_dp.TakeEvents(), e => e.Type == 4 && (TracePoint)e.ObservationPoint == TracePoint.ToNetwork);

        _dp.AddPodBlock("10.1.3.0/24", ThirdNode);
        var (verdict, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40001, NewPod, 80));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal((IPAddress.Parse(PodA), (ushort)40001), (Packet.Source(output), Packet.SourcePort(output))); // not masqueraded
        var trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal((TracePoint.ToOverlay, 1000u, (uint)Model.State.ReservedIdentity.World, NodeDatapath(ThirdNode)),
            ((TracePoint)trace.ObservationPoint, trace.SourceIdentity, trace.DestinationIdentity, trace.TunnelEndpoint));

        // A CIDR identity of the same prefix names the destination; the block still says where it lives.
        const uint CidrIdentity = 16_777_217;
        _dp.AddIpCache("10.1.3.0/24", identity: CidrIdentity);
        Assert.Equal(TcActRedirect, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40002, NewPod, 80)).Verdict);
        trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal((TracePoint.ToOverlay, CidrIdentity, NodeDatapath(ThirdNode)), ((TracePoint)trace.ObservationPoint, trace.DestinationIdentity, trace.TunnelEndpoint));

        // The pod's own record, once it arrives, takes over (identity and node).
        _dp.AddIpCache($"{NewPod}/32", identity: 4000, tunnelEndpoint: RemoteNode);
        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40003, NewPod, 80));
        trace = Assert.Single(_dp.TakeEvents());
        Assert.Equal((4000u, NodeDatapath(RemoteNode)), (trace.DestinationIdentity, trace.TunnelEndpoint));
    }

    [Fact]
    public void Packet_to_the_node_goes_up_the_stack_untouched()
    {
        var packet = Packet.TcpPacket(PodA, 40000, NodeIp.ToString(), 22);

        var (verdict, output) = _dp.Run(_dp.FromEndpoint, packet);

        Assert.Equal(TcActOk, verdict);
        Assert.Equal(packet, output);
        Assert.Equal(TracePoint.ToStack, (TracePoint)Assert.Single(_dp.TakeEvents()).ObservationPoint);
    }

    [Theory]
    [InlineData(Packet.Tcp)]
    [InlineData(Packet.Udp)]
    [InlineData(Packet.Icmp)]
    public void Packet_to_the_world_leaves_as_the_node_and_the_reply_finds_its_way_back(byte protocol)
    {
        var packet = protocol switch
        {
            Packet.Tcp => Packet.TcpPacket(PodA, 40000, World, 80),
            Packet.Udp => Packet.UdpPacket(PodA, 40000, World, 53),
            _ => Packet.IcmpEcho(PodA, World, id: 4242),
        };

        var (_, output) = _dp.Run(_dp.FromEndpoint, packet);

        Assert.Equal(NodeIp, Packet.Source(output));
        Assert.Equal(IPAddress.Parse(World), Packet.Destination(output));
        Assert.True(Packet.ChecksumsValid(output));
        var natPort = protocol == Packet.Icmp ? Packet.IcmpId(output) : Packet.SourcePort(output);
        Assert.InRange(natPort, (ushort)61000, (ushort)65535);
        // The FIB lookup of the test's own namespace decides the verdict; the translation is what is under test.
        Assert.Contains(_dp.TakeEvents(), e => e.Type == 4 && (TracePoint)e.ObservationPoint == TracePoint.ToNetwork);

        var reply = protocol switch
        {
            Packet.Tcp => Packet.TcpPacket(World, 80, NodeIp.ToString(), natPort, flags: 0x12),
            Packet.Udp => Packet.UdpPacket(World, 53, NodeIp.ToString(), natPort),
            _ => Packet.IcmpEcho(World, NodeIp.ToString(), id: natPort, reply: true),
        };
        var (verdict, back) = _dp.Run(_dp.FromNetwork, reply);

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(IPAddress.Parse(PodA), Packet.Destination(back));
        Assert.Equal(protocol == Packet.Icmp ? 4242 : 40000, protocol == Packet.Icmp ? Packet.IcmpId(back) : Packet.DestinationPort(back));
        Assert.True(Packet.ChecksumsValid(back));
        Assert.Equal([0x02, 0xaa, 0, 0, 0, 1], Packet.DestinationMac(back));
    }

    [Fact]
    public void A_second_packet_of_a_flow_reuses_its_translation()
    {
        var (_, first) = _dp.Run(_dp.FromEndpoint, Packet.UdpPacket(PodA, 40001, World, 53));
        var (_, second) = _dp.Run(_dp.FromEndpoint, Packet.UdpPacket(PodA, 40001, World, 53));

        Assert.Equal(Packet.SourcePort(first), Packet.SourcePort(second));
    }

    [Fact]
    public void Traffic_to_the_node_address_that_is_not_a_reply_is_left_to_the_node()
    {
        var packet = Packet.TcpPacket(World, 5555, NodeIp.ToString(), 22);

        var (verdict, output) = _dp.Run(_dp.FromNetwork, packet);

        Assert.Equal(TcActOk, verdict);
        Assert.Equal(packet, output);
    }

    [Fact]
    public void Conntrack_creates_on_the_first_packet_counts_the_next_and_marks_replies()
    {
        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 41000, PodB, 80, flags: 0x02));
        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 41000, PodB, 80, flags: 0x10));
        var opened = _dp.Conntrack(PodA, 41000, PodB, 80, Packet.Tcp);
        Assert.NotNull(opened);
        Assert.Equal(2UL, opened.Value.Packets);
        Assert.Equal(1000u, opened.Value.SourceIdentity);
        Assert.Equal(0, opened.Value.Flags & 1);
        Assert.Single(_dp.TakeEvents()); // only the first packet of a connection is traced

        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 80, PodA, 41000, flags: 0x12));

        var replied = _dp.Conntrack(PodA, 41000, PodB, 80, Packet.Tcp)!.Value;
        Assert.Equal(3UL, replied.Packets);
        Assert.Equal(1, replied.Flags & 1);
        Assert.Null(_dp.Conntrack(PodB, 80, PodA, 41000, Packet.Tcp));
        Assert.Empty(_dp.TakeEvents());
    }

    [Fact]
    public void Echo_request_and_reply_are_one_connection()
    {
        _dp.Run(_dp.FromEndpoint, Packet.IcmpEcho(PodA, PodB, id: 99));
        _dp.Run(_dp.FromEndpoint, Packet.IcmpEcho(PodB, PodA, id: 99, reply: true));

        var entry = _dp.Conntrack(PodA, 99, PodB, 0, Packet.Icmp);
        Assert.Equal(2UL, entry!.Value.Packets);
        Assert.Equal(1, entry.Value.Flags & 1);
    }

    public static TheoryData<string, byte[], int, DropReason> BadPackets() => new()
    {
        { "IHL below 5", Mangle(Packet.TcpPacket(PodA, 1, PodB, 2), 14, 0x44), TcActShot, DropReason.InvalidPacket },
        { "IP version 6 in an IPv4 frame", Mangle(Packet.TcpPacket(PodA, 1, PodB, 2), 14, 0x65), TcActShot, DropReason.InvalidPacket },
        { "total length beyond the frame", Mangle(Packet.UdpPacket(PodA, 1, PodB, 2), 16, 0x7f), TcActShot, DropReason.InvalidPacket },
        { "TCP header cut short", Truncate(Packet.TcpPacket(PodA, 1, PodB, 2), 20 + 10), TcActShot, DropReason.CtTruncatedOrInvalidHeader },
        { "IPv6", Packet.Ethernet(0x86dd, 60), TcActShot, DropReason.UnsupportedL3Protocol },
        { "spoofed source", Packet.TcpPacket("10.1.1.99", 1, PodB, 2), TcActShot, DropReason.InvalidSourceIp },
        { "TTL 1", Packet.TcpPacket(PodA, 1, PodB, 2, ttl: 1), TcActShot, DropReason.TtlExceeded },
    };

    [Theory]
    [MemberData(nameof(BadPackets))]
    public void Malformed_or_unacceptable_packets_are_dropped_with_their_reason(string what, byte[] packet, int expected, DropReason reason)
    {
        var (verdict, _) = _dp.Run(_dp.FromEndpoint, packet);

        Assert.True(expected == verdict, what);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((1, reason), (drop.Type, (DropReason)drop.Reason));
        Assert.Equal(1UL, _dp.Counted(reason, direction: 2));
    }

    [Fact]
    public void Arp_passes_to_the_stack()
    {
        var (verdict, _) = _dp.Run(_dp.FromEndpoint, Packet.Ethernet(0x0806, 28));

        Assert.Equal(TcActOk, verdict);
        Assert.Empty(_dp.TakeEvents());
    }

    [Fact]
    public void Overlay_packets_without_a_tunnel_key_are_dropped()
    {
        var (verdict, _) = _dp.Run(_dp.FromOverlay, Packet.UdpPacket(RemotePod, 1, PodA, 2));

        Assert.Equal(TcActShot, verdict);
        Assert.Equal(DropReason.NoTunnelKey, (DropReason)Assert.Single(_dp.TakeEvents()).Reason);
    }

    [Fact]
    public void Node_traffic_routed_into_the_tunnel_gets_a_tunnel_key_only_for_known_pods_and_blocks()
    {
        Assert.Equal(TcActOk, _dp.Run(_dp.ToOverlay, Packet.TcpPacket(NodeIp.ToString(), 5000, RemotePod, 80)).Verdict);
        Assert.Equal(TcActShot, _dp.Run(_dp.ToOverlay, Packet.TcpPacket(NodeIp.ToString(), 5000, "10.1.9.9", 80)).Verdict);
        Assert.Equal(DropReason.NoTunnelEndpoint, (DropReason)Assert.Single(_dp.TakeEvents()).Reason);

        _dp.AddPodBlock("10.1.9.0/24", "172.20.1.19");
        Assert.Equal(TcActOk, _dp.Run(_dp.ToOverlay, Packet.TcpPacket(NodeIp.ToString(), 5000, "10.1.9.9", 80)).Verdict);
        Assert.Empty(_dp.TakeEvents());
    }

    private static uint NodeDatapath(string ip) => Node.NodeDatapath.NetworkOrder(IPAddress.Parse(ip));

    private static byte[] Mangle(byte[] packet, int offset, byte value)
    {
        packet[offset] = value;
        return packet;
    }

    /// <summary>Cuts the frame to an IP packet of <paramref name="ipLength"/> bytes, with a total length that says so.</summary>
    private static byte[] Truncate(byte[] packet, int ipLength)
    {
        var cut = packet[..(Packet.EthernetLength + ipLength)];
        cut[Packet.EthernetLength + 2] = (byte)(ipLength >> 8);
        cut[Packet.EthernetLength + 3] = (byte)ipLength;
        return cut;
    }
}
