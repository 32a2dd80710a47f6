using System.Buffers.Binary;
using System.Net;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Datapath.Services;
using Plexus.Datapath.Tests.Support;
using static Plexus.Datapath.Tests.Support.DatapathUnderTest;

namespace Plexus.Datapath.Tests;

/// <summary>Service load balancing on crafted packets (BPF_PROG_TEST_RUN) with maps programmed by <see cref="ServiceMaps"/>.</summary>
[Trait("Category", "Privileged")]
public sealed class ServiceTests : IDisposable
{
    private const string PodA = "10.1.1.2";
    private const string PodB = "10.1.1.3";
    private const string PodC = "10.1.1.4";
    private const string RemotePod = "10.1.2.7";
    private const string RemoteNode = "172.20.1.12";
    private const string World = "198.51.100.10";
    private const string Vip = "10.96.0.10";
    private const byte TcpRst = 0x04;
    private const byte TcpAck = 0x10;
    private readonly DatapathUnderTest _dp = new();

    public ServiceTests()
    {
        _dp.AddEndpoint(PodA, identity: 1000, macTag: 1);
        _dp.AddEndpoint(PodB, identity: 2000, macTag: 2);
        _dp.AddEndpoint(PodC, identity: 2000, macTag: 3);
        _dp.AddIpCache("10.1.2.0/24", identity: 3000, tunnelEndpoint: RemoteNode);
        _dp.AddIpCache($"{NodeIp}/32", identity: (uint)Model.State.ReservedIdentity.Host);
    }

    public void Dispose() => _dp.Dispose();

    [Fact]
    public void Syn_to_a_cluster_ip_goes_to_the_Maglev_backend_of_its_flow_with_valid_checksums()
    {
        var frontend = ClusterIp(80, Backend(PodB, 8080), Backend(PodC, 8080), Backend(RemotePod, 8080));
        Assert.Empty(_dp.Services.Sync([frontend]).Errors);

        for (ushort sport = 40000; sport < 40020; sport++)
        {
            var (verdict, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, sport, Vip, 80));

            Assert.Equal(TcActRedirect, verdict);
            Assert.Equal(ExpectedBackend(frontend, PodA, sport, Vip, 80), Packet.Destination(output));
            Assert.Equal(8080, Packet.DestinationPort(output));
            Assert.Equal(IPAddress.Parse(PodA), Packet.Source(output));
            Assert.True(Packet.ChecksumsValid(output));
            var pinned = _dp.Map(MapNames.Conntrack).Lookup<FlowTuple, CtEntry>(Tuple(PodA, sport, Vip, 80, Packet.Tcp, DatapathConstants.CtScopeService));
            Assert.NotNull(pinned);
            var translated = _dp.Conntrack(PodA, sport, Packet.Destination(output).ToString(), 8080, Packet.Tcp);
            Assert.Equal(pinned.Value.BackendId, translated!.Value.BackendId);
            Assert.Equal(DatapathConstants.CtService, translated.Value.Flags & DatapathConstants.CtService);
            Assert.Equal(_dp.Services.List().Single().ServiceId, translated.Value.RevNat);

            // The new connection's event names the service it was opened through (flows show it after translation).
            var opened = _dp.TakeEvents().Single(e => e.Type == 4 && BinaryPrimitives.ReverseEndianness(e.SourcePort) == sport);
            Assert.Equal(translated.Value.RevNat, opened.RevNat);
            Assert.Equal("x/web", _dp.Services.ServiceOf(opened.RevNat));
        }
    }

    [Fact]
    public void Established_connections_keep_their_backend_when_the_backend_set_changes()
    {
        var before = ClusterIp(80, Backend(PodB, 8080), Backend(PodC, 8080));
        _dp.Services.Sync([before]);
        var chosen = new Dictionary<ushort, IPAddress>();
        for (ushort sport = 41000; sport < 41040; sport++)
        {
            chosen[sport] = Packet.Destination(_dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, sport, Vip, 80)).Output);
        }

        var after = ClusterIp(80, Backend(PodB, 8080), Backend(PodC, 8080), Backend(RemotePod, 8080));
        Assert.Equal(1, _dp.Services.Sync([after]).Updated);

        foreach (var (sport, backend) in chosen)
        {
            var (_, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, sport, Vip, 80, flags: TcpAck));
            Assert.Equal(backend, Packet.Destination(output));
        }

        var counts = _dp.Services.List().Single().Backends.ToDictionary(b => b.Backend.Address.ToString(), b => b.Connections);
        Assert.Equal(40, counts.Values.Sum());
        Assert.Equal(0, counts[RemotePod]);
    }

    [Fact]
    public void Reply_of_a_local_backend_comes_from_the_frontend()
    {
        _dp.Services.Sync([ClusterIp(80, Backend(PodB, 8080))]);
        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 42000, Vip, 80));

        var (verdict, reply) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 8080, PodA, 42000, flags: 0x12));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal((IPAddress.Parse(Vip), (ushort)80), (Packet.Source(reply), Packet.SourcePort(reply)));
        Assert.Equal((IPAddress.Parse(PodA), (ushort)42000), (Packet.Destination(reply), Packet.DestinationPort(reply)));
        Assert.True(Packet.ChecksumsValid(reply));
        Assert.Equal([0x02, 0xaa, 0, 0, 0, 1], Packet.DestinationMac(reply));
        Assert.Equal(1, _dp.Conntrack(PodA, 42000, PodB, 8080, Packet.Tcp)!.Value.Flags & DatapathConstants.CtReplySeen);
    }

    [Fact]
    public void Reply_of_a_remote_backend_is_translated_back_where_it_leaves_the_tunnel()
    {
        _dp.Services.Sync([ClusterIp(80, Backend(RemotePod, 8080))]);
        var (verdict, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 43000, Vip, 80));
        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(IPAddress.Parse(RemotePod), Packet.Destination(output));

        // Test runs cannot carry a tunnel key, so from-overlay ends with NO_TUNNEL_KEY; the translation comes first.
        var (_, reply) = _dp.Run(_dp.FromOverlay, Packet.TcpPacket(RemotePod, 8080, PodA, 43000, flags: 0x12));

        Assert.Equal((IPAddress.Parse(Vip), (ushort)80), (Packet.Source(reply), Packet.SourcePort(reply)));
        Assert.Equal((IPAddress.Parse(PodA), (ushort)43000), (Packet.Destination(reply), Packet.DestinationPort(reply)));
        Assert.True(Packet.ChecksumsValid(reply));
    }

    [Fact]
    public void A_pod_reaching_itself_through_a_service_is_hairpinned_through_a_link_local_source()
    {
        _dp.Services.Sync([ClusterIp(80, Backend(PodA, 8080))]);

        var (verdict, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 44000, Vip, 80));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(DatapathConstants.HairpinAddress, Packet.Source(output));
        Assert.Equal((IPAddress.Parse(PodA), (ushort)8080), (Packet.Destination(output), Packet.DestinationPort(output)));
        Assert.True(Packet.ChecksumsValid(output));

        var (replyVerdict, reply) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 8080, DatapathConstants.HairpinAddress.ToString(), 44000, flags: 0x12));

        Assert.Equal(TcActRedirect, replyVerdict);
        Assert.Equal((IPAddress.Parse(Vip), (ushort)80), (Packet.Source(reply), Packet.SourcePort(reply)));
        Assert.Equal((IPAddress.Parse(PodA), (ushort)44000), (Packet.Destination(reply), Packet.DestinationPort(reply)));
        Assert.True(Packet.ChecksumsValid(reply));
    }

    [Fact]
    public void Next_packet_of_a_connection_to_a_removed_backend_gets_a_reset_from_the_frontend()
    {
        _dp.Services.Sync([ClusterIp(80, Backend(PodB, 8080))]);
        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 45000, Vip, 80));
        _dp.TakeEvents();
        Assert.Equal((0, 1, 0), Counts(_dp.Services.Sync([ClusterIp(80, Backend(PodC, 8080))])));

        var (verdict, rst) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 45000, Vip, 80, flags: TcpAck | 0x08, payload: 100, seq: 1001, ack: 777777));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(Packet.EthernetLength + 40, rst.Length);
        Assert.Equal(40, Packet.IpTotalLength(rst));
        Assert.Equal((IPAddress.Parse(Vip), (ushort)80), (Packet.Source(rst), Packet.SourcePort(rst)));
        Assert.Equal((IPAddress.Parse(PodA), (ushort)45000), (Packet.Destination(rst), Packet.DestinationPort(rst)));
        Assert.Equal(TcpRst, Packet.TcpFlags(rst));
        Assert.Equal(777777u, Packet.TcpSeq(rst));
        Assert.True(Packet.ChecksumsValid(rst));
        Assert.Equal([0x02, 0xaa, 0, 0, 0, 1], Packet.DestinationMac(rst));
        Assert.Null(_dp.Map(MapNames.Conntrack).Lookup<FlowTuple, CtEntry>(Tuple(PodA, 45000, Vip, 80, Packet.Tcp, DatapathConstants.CtScopeService)));
        Assert.Equal(DropReason.ServiceBackendNotFound, (DropReason)Assert.Single(_dp.TakeEvents()).Reason);

        // A new connection on the same ports goes to a backend that exists.
        var (_, again) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 45000, Vip, 80));
        Assert.Equal(IPAddress.Parse(PodC), Packet.Destination(again));
    }

    [Fact]
    public void A_sync_that_removes_a_backend_reports_the_tcp_connections_pinned_to_it()
    {
        var web = ClusterIp(80, Backend(PodB, 8080), Backend(PodC, 8080));
        var dns = ClusterIp(53, Packet.Udp, Backend(PodB, 5353));
        _dp.Services.Sync([web, dns]);
        var ports = Enumerable.Range(40000, 64).Select(p => (ushort)p).ToList();
        var onB = ports.First(p => ExpectedBackend(web, PodA, p, Vip, 80).Equals(IPAddress.Parse(PodB)));
        var onC = ports.First(p => ExpectedBackend(web, PodA, p, Vip, 80).Equals(IPAddress.Parse(PodC)));
        foreach (var port in new[] { onB, onC })
        {
            _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, port, Vip, 80));
        }

        _dp.Run(_dp.FromEndpoint, Packet.UdpPacket(PodA, 41000, Vip, 53));
        Assert.Empty(_dp.Services.Sync([web, dns]).Stranded);

        // PodB leaves both frontends: its TCP connection is reported, PodC's and the UDP flow are not.
        var result = _dp.Services.Sync([ClusterIp(80, Backend(PodC, 8080))]);

        Assert.Equal([new ServiceConnection(new IPEndPoint(IPAddress.Parse(PodA), onB), new IPEndPoint(IPAddress.Parse(Vip), 80))], result.Stranded);
        Assert.Empty(_dp.Services.Sync([ClusterIp(80, Backend(PodC, 8080))]).Stranded);
    }

    [Fact]
    public void Connection_counts_and_stranded_connections_cover_a_conntrack_table_read_in_several_batches()
    {
        var web = ClusterIp(80, Backend(PodB, 8080), Backend(PodC, 8080));
        _dp.Services.Sync([web]);
        var frontend = Assert.Single(_dp.Services.List());
        var onB = frontend.Backends.Single(b => b.Backend.Address.ToString() == PodB).BackendId;
        var onC = frontend.Backends.Single(b => b.Backend.Address.ToString() == PodC).BackendId;
        const int connections = 3 * Plexus.Interop.Bpf.BpfMap.EntriesPerBatch;
        var keys = new FlowTuple[connections];
        var values = new CtEntry[connections];
        for (var i = 0; i < connections; i++)
        {
            keys[i] = Tuple(PodA, (ushort)(10000 + i), Vip, 80, Packet.Tcp, DatapathConstants.CtScopeService);
            values[i] = new CtEntry { Lifetime = uint.MaxValue, RevNat = (ushort)frontend.ServiceId, BackendId = (uint)(i % 3 == 0 ? onC : onB)  };
        }

        _dp.Map(MapNames.Conntrack).UpdateBatch<FlowTuple, CtEntry>(keys, values);

        var counts = Assert.Single(_dp.Services.List()).Backends.ToDictionary(b => b.Backend.Address.ToString(), b => b.Connections);
        Assert.Equal(connections / 3, counts[PodC]);
        Assert.Equal(connections * 2 / 3, counts[PodB]);
        var stranded = _dp.Services.Sync([ClusterIp(80, Backend(PodC, 8080))]).Stranded;
        Assert.Equal(connections * 2 / 3, stranded.Select(c => c.Client.Port).Distinct().Count());
    }

    [Fact]
    public void A_frontend_without_backends_refuses_a_syn_with_a_reset_and_reports_158()
    {
        _dp.Services.Sync([ClusterIp(80)]);

        var (verdict, rst) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 46000, Vip, 80, seq: 5000));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal(TcpRst | TcpAck, Packet.TcpFlags(rst));
        Assert.Equal((0u, 5001u), (Packet.TcpSeq(rst), Packet.TcpAck(rst)));
        Assert.Equal((IPAddress.Parse(Vip), (ushort)80), (Packet.Source(rst), Packet.SourcePort(rst)));
        Assert.Equal((IPAddress.Parse(PodA), (ushort)46000), (Packet.Destination(rst), Packet.DestinationPort(rst)));
        Assert.True(Packet.ChecksumsValid(rst));
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((1, DropReason.ServiceBackendNotFound), (drop.Type, (DropReason)drop.Reason));
        Assert.Equal(1UL, _dp.Counted(DropReason.ServiceBackendNotFound, direction: 2));

        _dp.Services.Sync([ClusterIp(53, protocol: Packet.Udp)]);
        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.UdpPacket(PodA, 46000, Vip, 53)).Verdict);
        Assert.Equal(2UL, _dp.Counted(DropReason.ServiceBackendNotFound, direction: 2));
    }

    [Fact]
    public void Client_ip_affinity_sends_every_connection_of_a_client_to_one_backend()
    {
        var frontend = ClusterIp(80, Backend(PodB, 8080), Backend(PodC, 8080), Backend(RemotePod, 8080)) with { AffinityTimeoutSeconds = 600 };
        _dp.Services.Sync([frontend]);

        var backends = Enumerable.Range(47000, 30)
            .Select(sport => Packet.Destination(_dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, (ushort)sport, Vip, 80)).Output))
            .Distinct()
            .ToList();

        Assert.Single(backends);
        var affinity = _dp.Map(MapNames.LbAffinity).GetEntries<LbAffinityKey, LbAffinity>().Single();
        Assert.Equal(IPAddress.Parse(PodA), affinity.Key.Client.ToIPAddress(4));
    }

    [Fact]
    public void Node_port_to_a_remote_backend_is_translated_both_ways_and_tunnelled()
    {
        _dp.Services.Sync([NodePort(30080, Backend(RemotePod, 8080))]);

        var (verdict, output) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World, 5555, NodeIp.ToString(), 30080));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal((IPAddress.Parse(RemotePod), (ushort)8080), (Packet.Destination(output), Packet.DestinationPort(output)));
        Assert.Equal(NodeIp, Packet.Source(output));
        var natPort = Packet.SourcePort(output);
        Assert.InRange(natPort, (ushort)61000, (ushort)65535);
        Assert.True(Packet.ChecksumsValid(output));

        var (_, reply) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(RemotePod, 8080, NodeIp.ToString(), natPort, flags: 0x12));

        // The FIB lookup of the test's namespace decides the verdict; the translation is what is under test.
        Assert.Equal((NodeIp, (ushort)30080), (Packet.Source(reply), Packet.SourcePort(reply)));
        Assert.Equal((IPAddress.Parse(World), (ushort)5555), (Packet.Destination(reply), Packet.DestinationPort(reply)));
        Assert.True(Packet.ChecksumsValid(reply));
    }

    [Fact]
    public void Node_port_to_a_local_backend_is_only_DNATed_and_the_reply_is_not_masqueraded()
    {
        _dp.Services.Sync([NodePort(30081, Backend(PodB, 8080))]);

        var (verdict, output) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World, 5556, NodeIp.ToString(), 30081));

        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal((IPAddress.Parse(World), (ushort)5556), (Packet.Source(output), Packet.SourcePort(output)));
        Assert.Equal((IPAddress.Parse(PodB), (ushort)8080), (Packet.Destination(output), Packet.DestinationPort(output)));
        Assert.True(Packet.ChecksumsValid(output));

        var (_, reply) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 8080, World, 5556, flags: 0x12));

        Assert.Equal((NodeIp, (ushort)30081), (Packet.Source(reply), Packet.SourcePort(reply)));
        Assert.Equal((IPAddress.Parse(World), (ushort)5556), (Packet.Destination(reply), Packet.DestinationPort(reply)));
        Assert.True(Packet.ChecksumsValid(reply));
    }

    [Fact]
    public void A_client_port_reused_for_another_frontend_of_the_same_backend_gets_replies_from_the_new_frontend()
    {
        var lb = new ServiceFrontend { Service = "x/web", Kind = ServiceFrontendKind.LoadBalancer, Address = IPAddress.Parse("203.0.113.50"), Port = 80, Protocol = Packet.Tcp, Backends = [Backend(PodB, 8080)] };
        _dp.Services.Sync([NodePort(30081, Backend(PodB, 8080)), lb]);

        // A connection through the node port, closed by the client: its entry lives on for the closing lifetime.
        _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World, 5558, NodeIp.ToString(), 30081));
        _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 8080, World, 5558, flags: 0x12));
        _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World, 5558, NodeIp.ToString(), 30081, flags: TcpAck | 0x01));
        Assert.Equal(DatapathConstants.CtClosing, _dp.Conntrack(World, 5558, PodB, 8080, Packet.Tcp)!.Value.Flags & DatapathConstants.CtClosing);

        // The client's kernel reuses the port for the LoadBalancer address: same tuple once translated to the backend.
        var (verdict, output) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World, 5558, "203.0.113.50", 80));
        Assert.Equal(TcActRedirect, verdict);
        Assert.Equal((IPAddress.Parse(PodB), (ushort)8080), (Packet.Destination(output), Packet.DestinationPort(output)));
        var reopened = _dp.Conntrack(World, 5558, PodB, 8080, Packet.Tcp)!.Value;
        Assert.Equal(0, reopened.Flags & DatapathConstants.CtClosing);

        var (_, reply) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodB, 8080, World, 5558, flags: 0x12));
        Assert.Equal((IPAddress.Parse("203.0.113.50"), (ushort)80), (Packet.Source(reply), Packet.SourcePort(reply)));
        Assert.Equal((IPAddress.Parse(World), (ushort)5558), (Packet.Destination(reply), Packet.DestinationPort(reply)));
        Assert.True(Packet.ChecksumsValid(reply));
    }

    [Fact]
    public void Cluster_ips_are_not_served_from_outside_but_load_balancer_addresses_are()
    {
        var lb = new ServiceFrontend { Service = "x/web", Kind = ServiceFrontendKind.LoadBalancer, Address = IPAddress.Parse("203.0.113.50"), Port = 80, Protocol = Packet.Tcp, Backends = [Backend(PodB, 8080)] };
        _dp.Services.Sync([ClusterIp(80, Backend(PodB, 8080)), lb]);

        var toClusterIp = Packet.TcpPacket(World, 5557, Vip, 80);
        var (verdict, untouched) = _dp.Run(_dp.FromNetwork, toClusterIp);
        Assert.Equal(TcActOk, verdict);
        Assert.Equal(toClusterIp, untouched);
        var (_, output) = _dp.Run(_dp.FromNetwork, Packet.TcpPacket(World, 5557, "203.0.113.50", 80));
        Assert.Equal(IPAddress.Parse(PodB), Packet.Destination(output));
    }

    [Fact]
    public void Sync_adds_updates_and_removes_map_entries_and_is_idempotent()
    {
        var web = ClusterIp(80, Backend(PodB, 8080), Backend(PodC, 8080));
        var dns = ClusterIp(53, protocol: Packet.Udp) with { Backends = [Backend(PodB, 53)] };

        Assert.Equal((2, 0, 0), Counts(_dp.Services.Sync([web, dns])));
        Assert.Equal((0, 0, 0), Counts(_dp.Services.Sync([dns, web])));
        Assert.Equal(2, _dp.Map(MapNames.LbServices).GetKeys<LbServiceKey>().Count());
        Assert.Equal(3, _dp.Map(MapNames.LbBackends).GetKeys<uint>().Count()); // PodB:8080, PodC:8080, PodB:53/UDP
        var service = _dp.Map(MapNames.LbServices).Lookup<LbServiceKey, LbService>(ServiceKey(Vip, 80, Packet.Tcp))!.Value;
        Assert.Equal(2u, service.BackendCount);
        var revNat = _dp.Map(MapNames.LbRevNat).Lookup<uint, LbRevNat>((uint)service.Id)!.Value;
        Assert.Equal(IPAddress.Parse(Vip), revNat.Address.ToIPAddress(4));
        var table = _dp.Services.GetMaglevTable(web)!;
        Assert.Equal(MaglevDefault, table.Length);
        Assert.Equal(2, table.Distinct().Count());

        Assert.Equal((0, 1, 1), Counts(_dp.Services.Sync([web with { Backends = [Backend(PodC, 8080)] }])));
        Assert.Equal([IPAddress.Parse(PodC)], _dp.Map(MapNames.LbBackends).GetEntries<uint, LbBackend>().Select(b => b.Value.Address.ToIPAddress(4)));
        Assert.Single(_dp.Services.GetMaglevTable(web)!.Distinct());

        Assert.Equal((0, 0, 1), Counts(_dp.Services.Sync([])));
        Assert.Empty(_dp.Map(MapNames.LbServices).GetKeys<LbServiceKey>());
        Assert.Empty(_dp.Map(MapNames.LbBackends).GetKeys<uint>());
        Assert.Empty(_dp.Map(MapNames.LbRevNat).GetKeys<uint>());
        Assert.Empty(_dp.Map(MapNames.LbMaglev).GetKeys<uint>());
    }

    [Fact]
    public void Bad_frontends_are_reported_and_the_rest_is_applied()
    {
        var bad = new ServiceFrontend { Service = "x/bad", Kind = ServiceFrontendKind.ClusterIP, Address = IPAddress.Parse(Vip), Port = 70000, Protocol = Packet.Tcp };
        var heavy = ClusterIp(81, Backend(PodB, 8080) with { Weight = 500 });
        var ipv6 = ClusterIp(82) with { Address = IPAddress.IPv6Loopback };

        var result = _dp.Services.Sync([bad, heavy, ipv6, ClusterIp(80, Backend(PodB, 8080))]);

        Assert.Equal(1, result.Added);
        Assert.Equal(3, result.Errors.Count);
        Assert.Single(_dp.Map(MapNames.LbServices).GetKeys<LbServiceKey>());
    }

    [Fact]
    public void Two_nodes_build_the_same_tables_and_a_restart_adopts_ids_and_tables()
    {
        using var other = new DatapathUnderTest();
        var frontends = Enumerable.Range(0, 5)
            .Select(i => ClusterIp((ushort)(80 + i), Backend(PodB, 8080), Backend(PodC, 8080), Backend(RemotePod, 8080), Backend("10.1.2.9", 8080)))
            .ToList();
        _dp.Services.Sync(frontends);
        other.Services.Sync(frontends.AsEnumerable().Reverse().Select(f => f with { Backends = f.Backends.Reverse().ToList() }).ToList());

        foreach (var f in frontends)
        {
            Assert.Equal(Resolve(_dp, f), Resolve(other, f));
        }

        Assert.Equal(1, _dp.Services.MaglevBuilds);

        var restarted = _dp.NewServiceMaps();
        Assert.Equal(_dp.Services.List().Select(s => (s.Frontend.Key, s.ServiceId)), restarted.List().Select(s => (s.Frontend.Key, s.ServiceId)));
        var result = restarted.Sync(frontends);
        Assert.Equal((0, 0), (result.Added, result.Removed));
        Assert.Equal(1, restarted.MaglevBuilds); // one build to compare with what is programmed; nothing rewritten
        foreach (var f in frontends)
        {
            Assert.Equal(_dp.Services.GetMaglevTable(f), restarted.GetMaglevTable(f));
        }
    }

    [Fact]
    public void A_small_Maglev_table_serves_many_services_with_one_build()
    {
        using var small = new DatapathUnderTest(maglevTableSize: 251);
        small.AddEndpoint(PodA, identity: 1000, macTag: 1);
        small.AddEndpoint(PodB, identity: 2000, macTag: 2);
        var frontends = Enumerable.Range(0, 500)
            .Select(i => ClusterIp(80, Backend(PodB, 8080)) with { Address = IPAddress.Parse($"10.96.{i / 200}.{(i % 200) + 1}") })
            .ToList();

        Assert.Equal(500, small.Services.Sync(frontends).Added);
        Assert.Equal(1, small.Services.MaglevBuilds);
        var (_, output) = small.Run(small.FromEndpoint, Packet.TcpPacket(PodA, 48000, "10.96.1.77", 80));
        Assert.Equal(IPAddress.Parse(PodB), Packet.Destination(output));
    }

    private const int MaglevDefault = Model.LoadBalancing.MaglevTable.DefaultSize;

    private static (int, int, int) Counts(ServiceSyncResult r)
    {
        Assert.Empty(r.Errors);
        return (r.Added, r.Updated, r.Removed);
    }

    private static ServiceBackend Backend(string ip, int port) => new(IPAddress.Parse(ip), port, Pod: $"x/{ip}");

    private static ServiceFrontend ClusterIp(ushort port, params ServiceBackend[] backends) => ClusterIp(port, Packet.Tcp, backends);

    private static ServiceFrontend ClusterIp(ushort port, byte protocol, params ServiceBackend[] backends) => new()
    {
        Service = "x/web",
        Kind = ServiceFrontendKind.ClusterIP,
        Address = IPAddress.Parse(Vip),
        Port = port,
        Protocol = protocol,
        Backends = backends,
    };

    private static ServiceFrontend NodePort(ushort port, params ServiceBackend[] backends) => new()
    {
        Service = "x/web",
        Kind = ServiceFrontendKind.NodePort,
        Address = IPAddress.Any,
        Port = port,
        Protocol = Packet.Tcp,
        Backends = backends,
    };

    private static LbServiceKey ServiceKey(string ip, ushort port, byte protocol) => new()
    {
        Address = Addr16.From(IPAddress.Parse(ip)),
        Port = (ushort)IPAddress.HostToNetworkOrder((short)port),
        Protocol = protocol,
        Family = 4,
    };

    /// <summary>A frontend's Maglev table as backend addresses per slot.</summary>
    private static string[] Resolve(DatapathUnderTest dp, ServiceFrontend frontend)
    {
        var addresses = dp.Map(MapNames.LbBackends).GetEntries<uint, LbBackend>().ToDictionary(b => b.Key, b => b.Value.Address.ToIPAddress(4).ToString());
        return dp.Services.GetMaglevTable(frontend)!.Select(id => addresses[id]).ToArray();
    }

    /// <summary>The backend the datapath must pick: lb_flow_hash of the client's tuple, then the Maglev slot.</summary>
    private IPAddress ExpectedBackend(ServiceFrontend frontend, string src, ushort sport, string dst, ushort dport)
    {
        static uint Mix(uint h)
        {
            h ^= h >> 16;
            h *= 0x85ebca6b;
            h ^= h >> 13;
            h *= 0xc2b2ae35;
            h ^= h >> 16;
            return h;
        }

        var h = 0x9e3779b9;
        h = Mix(h ^ Node.NodeDatapath.NetworkOrder(IPAddress.Parse(src)));
        h = Mix(h ^ Node.NodeDatapath.NetworkOrder(IPAddress.Parse(dst)));
        h = Mix(h ^ (((uint)(ushort)IPAddress.HostToNetworkOrder((short)sport) << 16) | (ushort)IPAddress.HostToNetworkOrder((short)dport)));
        h = Mix(h ^ Packet.Tcp);
        var table = _dp.Services.GetMaglevTable(frontend)!;
        var id = table[h % (uint)table.Length];
        return _dp.Map(MapNames.LbBackends).Lookup<uint, LbBackend>(id)!.Value.Address.ToIPAddress(4);
    }
}
