using System.Runtime.InteropServices;
using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfTcHookTests : IDisposable
{
    private readonly BpfPinDirectory _pins = new();
    private readonly BpfObject _obj;

    public BpfTcHookTests() => _obj = _pins.Guard(BpfTestFiles.Load);

    public void Dispose()
    {
        _obj.Dispose();
        _pins.Dispose();
    }

    [Fact]
    public void Programs_attach_replace_and_detach_on_a_veth_inside_another_namespace()
    {
        var classify = _obj.GetProgram("plx_classify");
        var pass = _obj.GetProgram("plx_pass");
        var netns = new BpfThrowawayNetns();
        try
        {
            netns.Ip("link", "add", "name", "plxb0", "type", "veth", "peer", "name", "plxb1");
            netns.Ip("link", "set", "plxb0", "up");
            var ifIndex = netns.IfIndex("plxb0");
            var hook = new TcHook(ifIndex);

            var (created, createdAgain, attached) = netns.Invoke(() => (hook.EnsureClsact(), hook.EnsureClsact(), hook.Attach(classify, TcAttachPoint.Ingress, handle: 1, priority: 1)));
            Assert.True(created);
            Assert.False(createdAgain);
            Assert.Equal(new TcAttachment(ifIndex, TcAttachPoint.Ingress, 1, 1, classify.Id), attached);
            var filters = netns.Tc("filter", "show", "dev", "plxb0", "ingress");
            Assert.Contains("plx_classify", filters, StringComparison.Ordinal);
            Assert.Contains("direct-action", filters, StringComparison.Ordinal);
            Assert.Equal(classify.Id, netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Ingress, 1, 1)));
            Assert.Null(netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Egress, 1, 1)));

            var exists = Assert.Throws<BpfException>(() => netns.Invoke(() => hook.Attach(pass, TcAttachPoint.Ingress, 1, 1, replace: false)));
            Assert.Equal("EEXIST", exists.ErrnoName);

            var replaced = netns.Invoke(() => hook.Attach(pass, TcAttachPoint.Ingress, 1, 1, replace: true));
            Assert.Equal(pass.Id, replaced.ProgramId);
            Assert.Equal(pass.Id, netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Ingress, 1, 1)));
            Assert.DoesNotContain("plx_classify", netns.Tc("filter", "show", "dev", "plxb0", "ingress"), StringComparison.Ordinal);

            netns.Invoke(() => hook.Attach(classify, TcAttachPoint.Egress, handle: 7, priority: 3));
            Assert.Equal(classify.Id, netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Egress, 7, 3)));

            Assert.True(netns.Invoke(() => hook.Detach(TcAttachPoint.Ingress, 1, 1)));
            Assert.False(netns.Invoke(() => hook.Detach(TcAttachPoint.Ingress, 1, 1)));
            Assert.Null(netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Ingress, 1, 1)));

            Assert.True(netns.Invoke(hook.DestroyClsact));
            Assert.False(netns.Invoke(hook.DestroyClsact));
            Assert.Null(netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Egress, 7, 3)));
        }
        finally
        {
            netns.Dispose();
        }
    }

    [Fact]
    public void Attached_programs_survive_their_object_being_disposed()
    {
        var netns = new BpfThrowawayNetns();
        try
        {
            netns.Ip("link", "add", "name", "plxb0", "type", "veth", "peer", "name", "plxb1");
            var hook = new TcHook(netns.IfIndex("plxb0"));
            uint id;
            using (var obj = BpfTestFiles.Load(_pins))
            {
                id = netns.Invoke(() =>
                {
                    hook.EnsureClsact();
                    return hook.Attach(obj.GetProgram("plx_pass"), TcAttachPoint.Egress).ProgramId;
                });
            }

            Assert.Equal(id, netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Egress)));
        }
        finally
        {
            netns.Dispose();
        }
    }

    [Fact]
    public void Test_runs_inside_the_namespace_see_its_device_as_context_ifindex()
    {
        var netns = new BpfThrowawayNetns();
        try
        {
            netns.Ip("link", "add", "name", "plxb0", "type", "veth", "peer", "name", "plxb1");
            var ifIndex = netns.IfIndex("plxb0");
            var events = new List<PacketEvent>();
            using var ring = new BpfRingBuffer(_obj.GetMap("events"), r => events.Add(MemoryMarshal.Read<PacketEvent>(r)));

            netns.Invoke(() =>
            {
                var ctx = new SkBuff { IfIndex = (uint)ifIndex };
                return _obj.GetProgram("plx_classify").TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 2), [], ref ctx);
            });
            ring.Consume();

            Assert.Equal((uint)ifIndex, Assert.Single(events).Ifindex);
        }
        finally
        {
            netns.Dispose();
        }
    }

    [Fact]
    public void Attaching_without_a_clsact_qdisc_fails_with_an_errno()
    {
        var netns = new BpfThrowawayNetns();
        try
        {
            netns.Ip("link", "add", "name", "plxb0", "type", "veth", "peer", "name", "plxb1");
            var hook = new TcHook(netns.IfIndex("plxb0"));

            var e = Assert.Throws<BpfException>(() => netns.Invoke(() => hook.Attach(_obj.GetProgram("plx_pass"), TcAttachPoint.Ingress)));
            Assert.Contains(e.ErrnoName, new[] { "EINVAL", "ENOENT" });
            Assert.Null(netns.Invoke(() => hook.QueryProgramId(TcAttachPoint.Ingress)));
        }
        finally
        {
            netns.Dispose();
        }
    }
}
