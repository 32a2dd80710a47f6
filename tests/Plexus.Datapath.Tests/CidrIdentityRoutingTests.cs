using System.Net;
using Plexus.Datapath.Tests.Support;
using Plexus.Model.State;
using Plexus.Policy;
using static Plexus.Datapath.Tests.Support.DatapathUnderTest;

namespace Plexus.Datapath.Tests;

/// <summary>
/// CIDR identities that policies put into the ipcache name parts of the world: they change which identity policy
/// sees, never the route. A pod's packet to such an address still leaves masqueraded as the node (BPF_PROG_TEST_RUN).
/// </summary>
[Trait("Category", "Privileged")]
public sealed class CidrIdentityRoutingTests : IDisposable
{
    private const string PodA = "10.1.1.2";
    private const string World1 = "198.51.100.10";
    private const int EpA = 1;
    private const uint IdA = 1000;
    private const uint CidrIdentity = IdentityNumbers.LocalScopeFlag | 3;
    private readonly DatapathUnderTest _dp = new();

    public CidrIdentityRoutingTests()
    {
        _dp.AddEndpoint(PodA, identity: IdA, macTag: EpA);
        _dp.AddIpCache($"{NodeIp}/32", identity: (uint)ReservedIdentity.Host);
    }

    public void Dispose() => _dp.Dispose();

    [Theory]
    [InlineData("198.51.100.8/29")]
    [InlineData("0.0.0.0/0")]
    public void A_packet_to_an_address_with_a_cidr_identity_is_masqueraded_like_any_packet_to_the_world(string prefix)
    {
        _dp.AddIpCache(prefix, identity: prefix == "0.0.0.0/0" ? (uint)ReservedIdentity.World : CidrIdentity);

        var (_, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40000, World1, 80));

        Assert.Equal(NodeIp, Packet.Source(output));
        Assert.Equal(IPAddress.Parse(World1), Packet.Destination(output));
        Assert.InRange(Packet.SourcePort(output), (ushort)61000, (ushort)65535);
        // The FIB lookup of the test's own namespace decides the verdict (and may add a drop event); the route is under test.
        var trace = Assert.Single(_dp.TakeEvents(), e => e.Type == 4);
        Assert.Equal(TracePoint.ToNetwork, (TracePoint)trace.ObservationPoint);
    }

    [Fact]
    public void Egress_policy_sees_the_cidr_identity_of_the_destination()
    {
        _dp.AddIpCache("198.51.100.8/29", identity: CidrIdentity);
        var allow = new PolicyEntry(new PolicyKey(PolicyDirection.Egress, CidrIdentity, Packet.Tcp, PortPrefix.Single(80)), EntryVerdict.Allow, 0, ["cidr"]);
        Assert.True(_dp.Policy.Sync(EpA, [allow], DirectionPolicy.Open, new DirectionPolicy(true, false, ["test"])).Succeeded);

        var (_, output) = _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40001, World1, 80));
        Assert.Equal(NodeIp, Packet.Source(output));
        Assert.Equal(CidrIdentity, Assert.Single(_dp.TakeEvents(), e => e.Type == 4).DestinationIdentity);

        Assert.Equal(TcActShot, _dp.Run(_dp.FromEndpoint, Packet.TcpPacket(PodA, 40002, "198.51.100.20", 80)).Verdict);
        var drop = Assert.Single(_dp.TakeEvents());
        Assert.Equal((133, (uint)ReservedIdentity.World), (drop.Reason, drop.DestinationIdentity));
    }
}
