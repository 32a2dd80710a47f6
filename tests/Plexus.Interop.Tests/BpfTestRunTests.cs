using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfTestRunTests : IDisposable
{
    private const uint Total = 0;
    private const uint Passed = 1;
    private const uint Dropped = 2;
    private const uint Malformed = 3;

    private readonly BpfPinDirectory _pins = new();
    private readonly BpfObject _obj;
    private readonly BpfProgram _classify;

    public BpfTestRunTests()
    {
        _obj = _pins.Guard(BpfTestFiles.Load);
        _classify = _obj.GetProgram("plx_classify");
    }

    public void Dispose()
    {
        _obj.Dispose();
        _pins.Dispose();
    }

    [Fact]
    public void Udp_to_the_drop_port_is_shot_and_other_traffic_passes_with_counters_updated()
    {
        Assert.Equal(BpfTestFiles.TcActShot, _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 5000, 9), []).ReturnValue);
        Assert.Equal(BpfTestFiles.TcActOk, _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 5000, 53), []).ReturnValue);
        Assert.Equal(BpfTestFiles.TcActOk, _classify.TestRun(BpfPackets.Tcp("10.0.0.1", "10.0.0.2", 5000, 9), []).ReturnValue);

        var protoCounts = _obj.GetMap("proto_counts");
        Assert.Equal(2UL, protoCounts.Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = BpfPackets.EtherTypeIPv4, IpProto = BpfPackets.ProtoUdp }));
        Assert.Equal(1UL, protoCounts.Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = BpfPackets.EtherTypeIPv4, IpProto = BpfPackets.ProtoTcp }));
        var verdicts = _obj.GetMap("verdict_counts");
        Assert.Equal((3UL, 2UL, 1UL, 0UL), (BpfTestFiles.PerCpuSum(verdicts, Total), BpfTestFiles.PerCpuSum(verdicts, Passed), BpfTestFiles.PerCpuSum(verdicts, Dropped), BpfTestFiles.PerCpuSum(verdicts, Malformed)));

        var flow = _obj.GetMap("flows").Lookup<FlowKey, FlowStats>(new FlowKey
        {
            Saddr = BpfPackets.NetworkOrder("10.0.0.1"),
            Daddr = BpfPackets.NetworkOrder("10.0.0.2"),
            Sport = 5000,
            Dport = 9,
            Proto = BpfPackets.ProtoUdp,
        });
        Assert.Equal(1UL, flow?.Packets);
        Assert.Equal((ulong)BpfPackets.Udp("10.0.0.1", "10.0.0.2", 5000, 9).Length, flow?.Bytes);
    }

    [Fact]
    public void Non_ip_frames_are_counted_by_ethertype()
    {
        _classify.TestRun(BpfPackets.Ethernet(BpfPackets.EtherTypeArp, new byte[28]), []);
        _classify.TestRun(BpfPackets.Ethernet(BpfPackets.EtherTypeIPv6, new byte[40]), []);
        _classify.TestRun(BpfPackets.Ethernet(BpfPackets.EtherTypeIPv6, new byte[40]), []);

        var protoCounts = _obj.GetMap("proto_counts");
        Assert.Equal(1UL, protoCounts.Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = BpfPackets.EtherTypeArp }));
        Assert.Equal(2UL, protoCounts.Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = BpfPackets.EtherTypeIPv6 }));
    }

    [Theory]
    [InlineData(34)] // IPv4 header, no UDP header
    [InlineData(40)] // partial UDP header
    public void Truncated_frames_are_counted_as_malformed_and_pass(int length)
    {
        var frame = BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 9).AsSpan(0, length);

        Assert.Equal(BpfTestFiles.TcActOk, _classify.TestRun(frame, []).ReturnValue);
        Assert.Equal(1UL, BpfTestFiles.PerCpuSum(_obj.GetMap("verdict_counts"), Malformed));
        Assert.Equal(1UL, BpfTestFiles.PerCpuSum(_obj.GetMap("verdict_counts"), Passed));
    }

    [Fact]
    public void A_bare_ethernet_header_passes_as_its_ethertype()
    {
        Assert.Equal(BpfTestFiles.TcActOk, _classify.TestRun(BpfPackets.Ethernet(BpfPackets.EtherTypeArp, []), []).ReturnValue);
        Assert.Equal(1UL, _obj.GetMap("proto_counts").Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = BpfPackets.EtherTypeArp }));
    }

    [Theory]
    [InlineData(14)] // Ethernet header only
    [InlineData(20)] // partial IPv4 header
    public void Ipv4_frames_shorter_than_an_ip_header_are_refused_by_the_kernel_with_EINVAL(int length)
    {
        // The kernel's test-run harness parses the IPv4 header itself before the program runs.
        var frame = BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 9).AsSpan(0, length).ToArray();

        Assert.Equal("EINVAL", Assert.Throws<BpfException>(() => _classify.TestRun(frame, [])).ErrnoName);
        Assert.Equal(0UL, BpfTestFiles.PerCpuSum(_obj.GetMap("verdict_counts"), Total));
    }

    [Fact]
    public void An_ipv4_header_with_a_bad_ihl_is_malformed()
    {
        var frame = BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 9);
        frame[14] = 0x43; // ihl 3 < 5

        Assert.Equal(BpfTestFiles.TcActOk, _classify.TestRun(frame, []).ReturnValue);
        Assert.Equal(1UL, BpfTestFiles.PerCpuSum(_obj.GetMap("verdict_counts"), Malformed));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(13)]
    public void Frames_shorter_than_an_ethernet_header_are_refused_by_the_kernel_with_EINVAL(int length)
    {
        var e = Assert.Throws<BpfException>(() => _classify.TestRun(new byte[length], []));

        Assert.Equal("EINVAL", e.ErrnoName);
        Assert.Equal(0UL, BpfTestFiles.PerCpuSum(_obj.GetMap("verdict_counts"), Total));
    }

    [Fact]
    public void The_output_frame_is_copied_and_truncation_is_reported()
    {
        var frame = BpfPackets.Tcp("10.0.0.1", "10.0.0.2", 1, 2);
        var output = new byte[1500];

        var full = _classify.TestRun(frame, output);
        Assert.Equal(frame.Length, full.DataSizeOut);
        Assert.False(full.OutputTruncated);
        Assert.Equal(frame, output[..frame.Length]);

        var small = new byte[20];
        var truncated = _classify.TestRun(frame, small);
        Assert.True(truncated.OutputTruncated);
        Assert.Equal(frame.Length, truncated.DataSizeOut);
        Assert.Equal(BpfTestFiles.TcActOk, truncated.ReturnValue);
        Assert.Equal(frame[..20], small);
    }

    [Fact]
    public void The_context_carries_mark_and_priority_in_and_out()
    {
        var ctx = new SkBuff { Mark = 5, Priority = 3 };
        ctx.Cb[0] = 0xAA;

        var result = _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 2), [], ref ctx);

        Assert.Equal(BpfTestFiles.TcActOk, result.ReturnValue);
        Assert.Equal((5u, 3u, 0xAAu), (ctx.Mark, ctx.Priority, ctx.Cb[0])); // ctx_out carries only the writable fields back
    }

    [Fact]
    public void An_unknown_context_ifindex_is_ENODEV()
    {
        var ctx = new SkBuff { IfIndex = 999_999 };

        var e = Assert.Throws<BpfException>(() => _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 2), [], ref ctx));
        Assert.Equal("ENODEV", e.ErrnoName);
    }

    [Fact]
    public void Repeat_runs_the_program_that_many_times()
    {
        var result = _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 2), [], repeat: 100);

        Assert.Equal(100UL, BpfTestFiles.PerCpuSum(_obj.GetMap("verdict_counts"), Total));
        Assert.True(result.DurationNanoseconds > 0);
    }
}
