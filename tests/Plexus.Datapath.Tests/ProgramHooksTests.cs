using Plexus.Datapath.Node;
using Plexus.Datapath.Tests.Support;
using Plexus.Interop.Bpf;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;

namespace Plexus.Datapath.Tests;

/// <summary>Where the node's programs are attached: tcx on this kernel, one program per hook across restarts and upgrades.</summary>
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
    public void An_agent_restart_swaps_each_program_in_place_and_an_upgrade_from_clsact_leaves_one_program_per_hook()
    {
        using var ns = NetNs.Open(_netns);
        var ifIndex = NetNs.Run(ns, () =>
        {
            using var rtnl = new RtNetlink();
            rtnl.CreateVeth("plxhk0", "plxhk1");
            return rtnl.GetLink("plxhk0")!.Index;
        });

        // What an agent from before tcx left: from-endpoint as a clsact filter.
        var legacy = new TcHook(ifIndex);
        NetNs.Run(ns, () =>
        {
            legacy.EnsureClsact();
            legacy.Attach(_dp.FromEndpoint, TcAttachPoint.Ingress);
        });
        Assert.Equal("tcx", ProgramHooks.Mode);

        var id = NetNs.Run(ns, () => ProgramHooks.Attach(ifIndex, _dp.FromEndpoint, TcAttachPoint.Ingress));
        Assert.Equal(_dp.FromEndpoint.Id, id);
        Assert.Null(NetNs.Run(ns, () => legacy.QueryProgramId(TcAttachPoint.Ingress)));
        Assert.Equal([id], NetNs.Run(ns, () => new TcxHook(ifIndex).QueryProgramIds(TcAttachPoint.Ingress)));
        Assert.Equal(id, NetNs.Run(ns, () => ProgramHooks.Query(ifIndex, ProgramNames.FromEndpoint, TcAttachPoint.Ingress)));
        Assert.Null(NetNs.Run(ns, () => ProgramHooks.Query(ifIndex, ProgramNames.FromOverlay, TcAttachPoint.Ingress)));

        // The restarted agent loads its objects again: its from-endpoint replaces the old one, which is not left running too.
        using var restarted = new DatapathUnderTest();
        var again = NetNs.Run(ns, () => ProgramHooks.Attach(ifIndex, restarted.FromEndpoint, TcAttachPoint.Ingress));
        Assert.NotEqual(id, again);
        Assert.Equal([again], NetNs.Run(ns, () => new TcxHook(ifIndex).QueryProgramIds(TcAttachPoint.Ingress)));
        Assert.Empty(NetNs.Run(ns, () => new TcxHook(ifIndex).QueryProgramIds(TcAttachPoint.Egress)));
    }
}
