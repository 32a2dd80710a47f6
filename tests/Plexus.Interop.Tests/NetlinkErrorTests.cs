using System.Net;
using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>Kernel refusals surface as <see cref="NetlinkException"/> naming the errno and the operation.</summary>
[Trait("Category", "Privileged")]
public sealed class NetlinkErrorTests : IDisposable
{
    private readonly TestNetns _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Creating_a_link_whose_name_is_taken_fails_with_EEXIST()
    {
        _ns.Netlink.CreateBridge("dup0");

        var error = Assert.Throws<NetlinkException>(() => _ns.Netlink.CreateBridge("dup0"));

        Assert.Equal(17, error.Errno);
        Assert.Equal("EEXIST", error.ErrnoName);
        Assert.Equal("create bridge dup0", error.Operation);
        Assert.Contains("EEXIST", error.Message, StringComparison.Ordinal);
        Assert.Throws<NetlinkException>(() => _ns.Netlink.CreateVeth("dup0", "dup0peer"));
    }

    [Fact]
    public void Deleting_a_missing_link_fails_with_ENODEV()
    {
        var error = Assert.Throws<NetlinkException>(() => _ns.Netlink.Delete("missing0"));

        Assert.Equal("ENODEV", error.ErrnoName);
        Assert.Equal("delete link missing0", error.Operation);
        Assert.Equal("ENODEV", Assert.Throws<NetlinkException>(() => _ns.Netlink.Delete(9999)).ErrnoName);
    }

    [Fact]
    public void Changing_a_missing_link_fails_with_ENODEV_and_looking_it_up_gives_null()
    {
        Assert.Equal("ENODEV", Assert.Throws<NetlinkException>(() => _ns.Netlink.SetUp("missing0")).ErrnoName);
        Assert.Equal("ENODEV", Assert.Throws<NetlinkException>(() => _ns.Netlink.SetMtu("missing0", 1400)).ErrnoName);
        Assert.Equal("ENODEV", Assert.Throws<NetlinkException>(() => _ns.Netlink.AddAddress("missing0", IPAddress.Loopback, 8)).ErrnoName);
        Assert.Null(_ns.Netlink.GetLink("missing0"));
        Assert.Null(_ns.Netlink.GetLink(9999));
    }

    [Fact]
    public void Duplicate_address_fails_with_EEXIST_and_deleting_an_absent_one_with_EADDRNOTAVAIL()
    {
        _ns.Netlink.AddAddress("lo", IPAddress.Parse("10.1.2.3"), 32);

        Assert.Equal("EEXIST", Assert.Throws<NetlinkException>(() => _ns.Netlink.AddAddress("lo", IPAddress.Parse("10.1.2.3"), 32)).ErrnoName);
        _ns.Netlink.DeleteAddress("lo", IPAddress.Parse("10.1.2.3"), 32);
        Assert.Equal("EADDRNOTAVAIL", Assert.Throws<NetlinkException>(() => _ns.Netlink.DeleteAddress("lo", IPAddress.Parse("10.1.2.3"), 32)).ErrnoName);
    }

    [Fact]
    public void Duplicate_route_fails_with_EEXIST_and_deleting_a_missing_one_with_ESRCH()
    {
        var route = new RouteSpec { Destination = IPNetwork.Parse("10.123.0.0/16"), OutputLink = "lo" };
        _ns.Netlink.AddRoute(route);

        var duplicate = Assert.Throws<NetlinkException>(() => _ns.Netlink.AddRoute(route));
        Assert.Equal("EEXIST", duplicate.ErrnoName);
        Assert.Equal("add route 10.123.0.0/16 dev lo", duplicate.Operation);
        _ns.Netlink.DeleteRoute(route);
        Assert.Equal("ESRCH", Assert.Throws<NetlinkException>(() => _ns.Netlink.DeleteRoute(route)).ErrnoName);
    }

    [Fact]
    public void Deleting_a_missing_neighbour_fails_with_ENOENT()
    {
        var error = Assert.Throws<NetlinkException>(() => _ns.Netlink.DeleteNeighbour("lo", IPAddress.Parse("10.9.9.9")));

        Assert.Equal("ENOENT", error.ErrnoName);
    }

    [Fact]
    public void Invalid_names_and_mixed_families_are_rejected_before_reaching_the_kernel()
    {
        Assert.Throws<ArgumentException>(() => _ns.Netlink.CreateBridge("a-name-longer-than-15"));
        Assert.Throws<ArgumentException>(() => _ns.Netlink.CreateBridge("ünïcödé-bytes"));
        Assert.Throws<ArgumentException>(() => _ns.Netlink.AddRoute(new RouteSpec
        {
            Destination = IPNetwork.Parse("10.0.0.0/8"),
            Gateway = IPAddress.Parse("fd00::1"),
        }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ns.Netlink.AddAddress("lo", IPAddress.Parse("10.0.0.1"), 33));
    }
}
