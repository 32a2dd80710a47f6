using System.Net;
using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Agent.Tests;

/// <summary>The control-plane key formats.</summary>
public sealed class StoreKeysTests
{
    [Fact]
    public void Control_plane_keys_follow_the_design_layout()
    {
        var labels = IdentityAllocatorTests.Pod("web");

        Assert.Equal("plexus/ipam/c1/10.1.3.0_24", StoreKeys.IpamBlock("c1", Cidr.Parse("10.1.3.0/24")));
        Assert.Equal("plexus/ipam-addresses/c1/n1/10.1.3.2", StoreKeys.IpamAddress("c1", "n1", IPAddress.Parse("10.1.3.2")));
        Assert.Equal("plexus/identities/id/256", StoreKeys.IdentityId(256));
        Assert.Equal("plexus/identities/labels/" + labels.Hash, StoreKeys.IdentityByLabels(labels));
        Assert.Equal("plexus/identities/refs/256/n1", StoreKeys.IdentityRef(256, "n1"));
        Assert.Equal("plexus/ipcache/c1/10.1.3.2", StoreKeys.IpCache("c1", IPAddress.Parse("::ffff:10.1.3.2")));
        Assert.Equal("plexus/ipcache/c1/fd00::2", StoreKeys.IpCache("c1", IPAddress.Parse("fd00::2")));
        Assert.Equal("plexus/endpoints/c1/n1/7", StoreKeys.Endpoint("c1", "n1", 7));
        Assert.Equal("plexus/endpoints/c1/", StoreKeys.EndpointsPrefix("c1"));
    }

    [Theory]
    [InlineData("10.1.3.0/24")]
    [InlineData("fd00:1::/64")]
    public void Block_names_parse_back(string cidr)
    {
        var block = Cidr.Parse(cidr);

        Assert.True(StoreKeys.TryParseIpamBlockName(StoreKeys.IpamBlockName(block), out var parsed));
        Assert.Equal(block, parsed);
        Assert.False(StoreKeys.TryParseIpamBlockName("10.1.3.1_24", out _)); // not normalized
        Assert.False(StoreKeys.TryParseIpamBlockName("10.1.3.0", out _));
    }

    [Fact]
    public void Segments_with_slashes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => StoreKeys.IdentityRef(256, "a/b"));
        Assert.Throws<ArgumentException>(() => StoreKeys.IpCachePrefix("c/1"));
    }
}
