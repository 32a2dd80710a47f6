using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>VXLAN devices get the attributes the datapath relies on (collect-metadata, dstport, no learning).</summary>
[Trait("Category", "Privileged")]
public sealed class NetlinkVxlanTests
{
    [Fact]
    public void Vxlan_in_external_mode_has_collect_metadata_dstport_8472_and_no_learning()
    {
        using var ns = new TestNetns();

        ns.Netlink.CreateVxlan("vxlan0", mtu: 1450);

        var link = ns.Netlink.GetLink("vxlan0")!;
        Assert.Equal("vxlan", link.Kind);
        Assert.Equal(1450, link.Mtu);
        var details = Probe.Ip("-n", ns.Name, "-d", "link", "show", "vxlan0");
        Assert.Contains("vxlan external", details, StringComparison.Ordinal);
        Assert.Contains("dstport 8472", details, StringComparison.Ordinal);
        Assert.Contains("nolearning", details, StringComparison.Ordinal);
    }

    [Fact]
    public void Vxlan_with_a_vni_and_learning_outside_external_mode()
    {
        using var ns = new TestNetns();

        ns.Netlink.CreateVxlan("vx42", dstPort: 4789, external: false, learning: true, vni: 42);

        var details = Probe.Ip("-n", ns.Name, "-d", "link", "show", "vx42");
        Assert.Contains("vxlan id 42", details, StringComparison.Ordinal);
        Assert.Contains("dstport 4789", details, StringComparison.Ordinal);
        Assert.DoesNotContain("nolearning", details, StringComparison.Ordinal);
        Assert.DoesNotContain("external", details, StringComparison.Ordinal);
    }

    [Fact]
    public void Second_external_vxlan_on_the_same_port_is_refused_with_EEXIST_and_the_kernel_reason()
    {
        using var ns = new TestNetns();
        ns.Netlink.CreateVxlan("vxlan0");

        var error = Assert.Throws<NetlinkException>(() => ns.Netlink.CreateVxlan("vxlan1"));

        Assert.Equal("EEXIST", error.ErrnoName);
        Assert.Contains("vxlan1", error.Operation, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.KernelMessage));
    }

    [Fact]
    public void External_mode_is_the_default_and_a_vni_is_required_without_it()
    {
        using var ns = new TestNetns();

        Assert.Throws<ArgumentException>(() => ns.Netlink.CreateVxlan("vx0", external: false));
        Assert.Null(ns.Netlink.GetLink("vx0"));
    }
}
