using System.Net;

namespace Plexus.Model.Tests;

/// <summary>CIDR parsing, normalization and containment.</summary>
public class CidrTests
{
    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("192.168.1.7/32", "192.168.1.7/32")]
    [InlineData("2001:DB8:0:0:1::5/48", "2001:db8::/48")]
    [InlineData("::/0", "::/0")]
    public void Parse_normalizes_to_the_network_address(string text, string expected) =>
        Assert.Equal(expected, Cidr.Parse(text).ToString());

    [Theory]
    [InlineData("10.0.0.256/8", "octet 256")]
    [InlineData("10.0.0.0/33", "between 0 and 32")]
    [InlineData("10.0.0.0", "missing prefix length")]
    [InlineData("10.0/8", "4 octets")]
    [InlineData("010.0.0.0/8", "leading zero")]
    [InlineData("10.0.0.0/-1", "between 0 and 32")]
    [InlineData("fe80::1%eth0/64", "IPv6")]
    [InlineData("2001:db8::/200", "between 0 and 128")]
    [InlineData("", "empty")]
    public void Malformed_cidrs_are_refused_with_a_reason(string text, string reason)
    {
        Assert.False(Cidr.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains($"\"{text}\"", error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Cidr.Parse(text));
    }

    [Fact]
    public void Contains_addresses_of_the_same_family()
    {
        var cidr = Cidr.Parse("10.1.0.0/16");

        Assert.True(cidr.Contains(IPAddress.Parse("10.1.255.255")));
        Assert.False(cidr.Contains(IPAddress.Parse("10.2.0.0")));
        Assert.True(cidr.Contains(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.False(Cidr.Parse("::/0").Contains(IPAddress.Parse("10.1.2.3")));
        Assert.True(Cidr.Parse("0.0.0.0/0").Contains(IPAddress.Parse("255.255.255.255")));
        Assert.True(Cidr.Parse("2001:db8::/32").Contains(IPAddress.Parse("2001:db8:ffff::1")));
    }

    [Fact]
    public void Contains_prefixes()
    {
        var outer = Cidr.Parse("10.0.0.0/8");

        Assert.True(outer.Contains(Cidr.Parse("10.20.0.0/16")));
        Assert.True(outer.Contains(outer));
        Assert.False(Cidr.Parse("10.20.0.0/16").Contains(outer));
        Assert.False(outer.Contains(Cidr.Parse("11.0.0.0/16")));
        Assert.False(outer.Contains(Cidr.Parse("::/0")));
        Assert.True(outer.Overlaps(Cidr.Parse("0.0.0.0/0")));
        Assert.False(outer.Overlaps(Cidr.Parse("192.168.0.0/16")));
    }

    [Fact]
    public void Exposes_address_bytes_and_family()
    {
        var v4 = Cidr.Parse("192.168.1.9/24");
        var v6 = Cidr.FromAddress(IPAddress.Parse("2001:db8::1"));

        Assert.Equal(new byte[] { 192, 168, 1, 0 }, v4.GetAddressBytes());
        Assert.Equal((24, 32, false), (v4.PrefixLength, v4.AddressLength, v4.IsIPv6));
        Assert.Equal(IPAddress.Parse("192.168.1.0"), v4.Network);
        Assert.Equal((128, true, true), (v6.PrefixLength, v6.IsIPv6, v6.IsHost));
        Assert.Equal(16, v6.GetAddressBytes().Length);
    }

    [Fact]
    public void Equality_and_ordering()
    {
        Assert.Equal(Cidr.Parse("10.1.2.3/8"), Cidr.Parse("10.0.0.0/8"));
        Assert.True(Cidr.Parse("10.0.0.0/8") != Cidr.Parse("10.0.0.0/9"));
        Assert.Equal(
            ["10.0.0.0/8", "10.0.0.0/16", "192.168.0.0/16", "::/0"],
            new[] { "::/0", "192.168.0.0/16", "10.0.0.0/16", "10.0.0.0/8" }.Select(Cidr.Parse).Order().Select(c => c.ToString()));
    }
}
