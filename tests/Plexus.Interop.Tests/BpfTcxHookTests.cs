using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfTcxHookTests : IDisposable
{
    private readonly BpfPinDirectory _pins = new();
    private readonly BpfObject _obj;

    public BpfTcxHookTests() => _obj = _pins.Guard(BpfTestFiles.Load);

    public void Dispose()
    {
        _obj.Dispose();
        _pins.Dispose();
    }

    [Fact]
    public void The_kernel_has_tcx() => Assert.True(TcxHook.IsSupported, "tcx (kernel 6.6+) is what the datapath attaches to on this machine");

    [Theory]
    [InlineData("plx_classify", "plx_classify")]
    [InlineData("plx_from_endpoint", "plx_from_endpoi")]
    [InlineData("0123456789abcde", "0123456789abcde")]
    public void Names_are_compared_as_the_kernel_keeps_them(string name, string kept) => Assert.Equal(kept, TcxHook.KernelName(name));

    [Fact]
    public void Programs_are_added_in_order_replaced_by_name_in_place_and_detached()
    {
        var classify = _obj.GetProgram("plx_classify");
        var pass = _obj.GetProgram("plx_pass");
        var netns = new BpfThrowawayNetns();
        try
        {
            netns.Ip("link", "add", "name", "plxb0", "type", "veth", "peer", "name", "plxb1");
            var hook = new TcxHook(netns.IfIndex("plxb0"));
            Assert.Empty(netns.Invoke(() => hook.QueryProgramIds(TcAttachPoint.Ingress)));

            Assert.Equal(new TcxAttachment(hook.IfIndex, TcAttachPoint.Ingress, classify.Id, null), netns.Invoke(() => hook.Attach(classify, TcAttachPoint.Ingress)));
            Assert.Equal(new TcxAttachment(hook.IfIndex, TcAttachPoint.Ingress, classify.Id, null), netns.Invoke(() => hook.Attach(classify, TcAttachPoint.Ingress)));
            netns.Invoke(() => hook.Attach(pass, TcAttachPoint.Ingress));
            Assert.Equal([classify.Id, pass.Id], netns.Invoke(() => hook.QueryProgramIds(TcAttachPoint.Ingress)));
            Assert.Empty(netns.Invoke(() => hook.QueryProgramIds(TcAttachPoint.Egress)));
            Assert.Equal(pass.Id, netns.Invoke(() => hook.FindProgram(TcAttachPoint.Ingress, "plx_pass")));
            Assert.Null(netns.Invoke(() => hook.FindProgram(TcAttachPoint.Egress, "plx_pass")));
            Assert.DoesNotContain("clsact", netns.Tc("qdisc", "show", "dev", "plxb0"), StringComparison.Ordinal);

            // A newer program of the same name (the agent after a restart) takes the old one's place, and stays after its object is gone.
            uint newer;
            using (var second = BpfTestFiles.Load(_pins))
            {
                var attached = netns.Invoke(() => hook.Attach(second.GetProgram("plx_classify"), TcAttachPoint.Ingress));
                newer = attached.ProgramId;
                Assert.Equal(classify.Id, attached.ReplacedProgramId);
                Assert.NotEqual(classify.Id, newer);
            }

            Assert.Equal([newer, pass.Id], netns.Invoke(() => hook.QueryProgramIds(TcAttachPoint.Ingress)));
            Assert.Equal("plx_classify", TcxHook.ProgramName(newer));

            Assert.True(netns.Invoke(() => hook.Detach(TcAttachPoint.Ingress, pass.Id)));
            Assert.False(netns.Invoke(() => hook.Detach(TcAttachPoint.Ingress, pass.Id)));
            Assert.False(netns.Invoke(() => hook.Detach(TcAttachPoint.Egress, newer)));
            Assert.Equal([newer], netns.Invoke(() => hook.QueryProgramIds(TcAttachPoint.Ingress)));
            Assert.True(netns.Invoke(() => hook.Detach(TcAttachPoint.Ingress, newer)));
            Assert.Empty(netns.Invoke(() => hook.QueryProgramIds(TcAttachPoint.Ingress)));
        }
        finally
        {
            netns.Dispose();
        }
    }

    [Fact]
    public void An_attached_program_sees_the_packets_the_device_receives_until_it_is_detached()
    {
        var netns = new BpfThrowawayNetns();
        try
        {
            netns.Ip("link", "add", "name", "plxb0", "type", "veth", "peer", "name", "plxb1");
            netns.Ip("link", "set", "plxb0", "up");
            netns.Ip("link", "set", "plxb1", "up");
            netns.Ip("address", "add", "10.99.0.1/24", "dev", "plxb1");
            var mac = netns.Ip("-br", "link", "show", "dev", "plxb0").Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
            netns.Ip("neigh", "replace", "10.99.0.2", "lladdr", mac, "dev", "plxb1");
            var ifIndex = netns.IfIndex("plxb0");
            var hook = new TcxHook(ifIndex);
            var events = new List<PacketEvent>();
            using var ring = new BpfRingBuffer(_obj.GetMap("events"), r => events.Add(MemoryMarshal.Read<PacketEvent>(r)));
            var classify = _obj.GetProgram("plx_classify");

            netns.Invoke(() => hook.Attach(classify, TcAttachPoint.Ingress));
            Send(netns, 4001);
            Assert.True(Seen(ring, events, 4001), "the datagram to port 4001 reached the program");
            var seen = Assert.Single(events, e => e.Dport == 4001);
            Assert.Equal(((uint)ifIndex, (byte)17), (seen.Ifindex, seen.IpProto));

            // Detached, it sees nothing; attached again, the next datagram (queued behind the first) is seen.
            netns.Invoke(() => hook.Detach(TcAttachPoint.Ingress, classify.Id));
            Send(netns, 4002);
            netns.Invoke(() => hook.Attach(classify, TcAttachPoint.Ingress));
            Send(netns, 4003);
            Assert.True(Seen(ring, events, 4003), "the datagram to port 4003 reached the program");
            Assert.DoesNotContain(events, e => e.Dport == 4002);
        }
        finally
        {
            netns.Dispose();
        }
    }

    [Fact]
    public void A_missing_device_is_an_error_naming_the_hook()
    {
        var netns = new BpfThrowawayNetns();
        try
        {
            var hook = new TcxHook(4242);
            var e = Assert.Throws<BpfException>(() => netns.Invoke(() => hook.Attach(_obj.GetProgram("plx_pass"), TcAttachPoint.Egress)));
            Assert.Equal("ENODEV", e.ErrnoName);
            Assert.Contains("ifindex 4242 tcx egress", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            netns.Dispose();
        }
    }

    private static bool Seen(BpfRingBuffer ring, List<PacketEvent> events, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            ring.Consume();
            if (events.Any(e => e.Dport == port))
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(10);
        }
    }

    // One UDP datagram out of plxb1 to 10.99.0.2 (resolved to plxb0's MAC), so it arrives at plxb0's ingress.
    private static void Send(BpfThrowawayNetns netns, int port) => netns.Invoke(() =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        return socket.SendTo(new byte[8], new IPEndPoint(IPAddress.Parse("10.99.0.2"), port));
    });
}
