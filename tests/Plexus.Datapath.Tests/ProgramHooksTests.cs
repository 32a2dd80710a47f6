using Plexus.Datapath.Node;
using Plexus.Datapath.Tests.Support;
using Plexus.Interop.Bpf;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;

namespace Plexus.Datapath.Tests;

/// <summary>Where the node's programs are attached: tcx on the node's devices, clsact on endpoint veths; one program per hook across restarts and upgrades.</summary>
[Trait("Category", "Privileged")]
public sealed class ProgramHooksTests : IDisposable
{
    private readonly string _netns = $"plxt-hk-{Guid.NewGuid():N}"[..16];
    private readonly DatapathUnderTest _dp = new();

    public ProgramHooksTests() => NetNs.Create(_netns);

    public void Dispose()
    {
        NetNs.Delete(_netns);
        _dp.Dispose();
    }

    [Fact]
    public void On_a_node_device_a_restart_swaps_the_program_in_place_and_an_upgrade_from_clsact_leaves_one_program_per_hook()
    {
        using var ns = NetNs.Open(_netns);
        var ifIndex = Veth(ns, "plxhk0");

        // What an agent from before tcx left: from-overlay as a clsact filter.
        var legacy = new TcHook(ifIndex);
        NetNs.Run(ns, () =>
        {
            legacy.EnsureClsact();
            legacy.Attach(_dp.FromOverlay, TcAttachPoint.Ingress);
        });

        var id = NetNs.Run(ns, () => ProgramHooks.AttachToNodeDevice(ifIndex, _dp.FromOverlay, TcAttachPoint.Ingress));
        Assert.Equal(_dp.FromOverlay.Id, id);
        Assert.Null(NetNs.Run(ns, () => legacy.QueryProgramId(TcAttachPoint.Ingress)));
        Assert.Equal([id], NetNs.Run(ns, () => new TcxHook(ifIndex).QueryProgramIds(TcAttachPoint.Ingress)));
        Assert.Equal((id, "tcx"), NetNs.Run(ns, () => ProgramHooks.Query(ifIndex, ProgramNames.FromOverlay, TcAttachPoint.Ingress)));
        Assert.Null(NetNs.Run(ns, () => ProgramHooks.Query(ifIndex, ProgramNames.ToOverlay, TcAttachPoint.Egress)));

        // The restarted agent loads its objects again: its from-overlay replaces the old one, which is not left running too.
        using var restarted = new DatapathUnderTest();
        var again = NetNs.Run(ns, () => ProgramHooks.AttachToNodeDevice(ifIndex, restarted.FromOverlay, TcAttachPoint.Ingress));
        Assert.NotEqual(id, again);
        Assert.Equal([again], NetNs.Run(ns, () => new TcxHook(ifIndex).QueryProgramIds(TcAttachPoint.Ingress)));
        Assert.Empty(NetNs.Run(ns, () => new TcxHook(ifIndex).QueryProgramIds(TcAttachPoint.Egress)));
    }

    [Fact]
    public void On_an_endpoint_veth_the_program_is_a_clsact_filter_replaced_in_place()
    {
        using var ns = NetNs.Open(_netns);
        var ifIndex = Veth(ns, "plxhk2");

        var id = NetNs.Run(ns, () => ProgramHooks.AttachToEndpoint(ifIndex, _dp.FromEndpoint, TcAttachPoint.Ingress));
        Assert.Equal((id, "tc"), NetNs.Run(ns, () => ProgramHooks.Query(ifIndex, ProgramNames.FromEndpoint, TcAttachPoint.Ingress)));
        Assert.Empty(NetNs.Run(ns, () => new TcxHook(ifIndex).QueryProgramIds(TcAttachPoint.Ingress)));

        using var restarted = new DatapathUnderTest();
        var again = NetNs.Run(ns, () => ProgramHooks.AttachToEndpoint(ifIndex, restarted.FromEndpoint, TcAttachPoint.Ingress));
        Assert.Equal((again, "tc"), NetNs.Run(ns, () => ProgramHooks.Query(ifIndex, ProgramNames.FromEndpoint, TcAttachPoint.Ingress)));
        Assert.NotEqual(id, again);
    }

    private static int Veth(NetNsHandle ns, string name) => NetNs.Run(ns, () =>
    {
        using var rtnl = new RtNetlink();
        rtnl.CreateVeth(name, name + "p");
        return rtnl.GetLink(name)!.Index;
    });
}
