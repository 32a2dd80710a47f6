using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfObjectTests : IDisposable
{
    private readonly BpfPinDirectory _pins = new();

    public void Dispose() => _pins.Dispose();

    [Fact]
    public void Opening_a_missing_file_throws_ENOENT()
    {
        var e = Assert.Throws<BpfException>(() => BpfObject.Open("/nonexistent/plexus.o"));
        Assert.Equal("ENOENT", e.ErrnoName);
        Assert.Contains("bpf_object__open_file", e.Operation, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_lists_programs_and_maps_with_their_definitions()
    {
        using var obj = BpfTestFiles.Open(_pins);

        Assert.Equal("plexus_test", obj.Name);
        Assert.False(obj.IsLoaded);
        var classify = obj.GetProgram("plx_classify");
        Assert.Equal(BpfProgramType.SchedClassifier, classify.Type);
        Assert.Equal("tc", classify.SectionName);
        Assert.False(classify.IsLoaded);
        Assert.Throws<InvalidOperationException>(() => classify.Fd);
        Assert.Equal(["plx_classify", "plx_pass"], obj.Programs.Select(p => p.Name));

        var counts = obj.GetMap("proto_counts");
        Assert.Equal((BpfMapType.Hash, 4, 8, 64), (counts.Type, counts.KeySize, counts.ValueSize, counts.MaxEntries));
        Assert.False(counts.IsCreated);
        Assert.Throws<InvalidOperationException>(() => counts.Fd);
        Assert.Equal(BpfMapType.PerCpuArray, obj.GetMap("verdict_counts").Type);
        Assert.True(obj.GetMap("verdict_counts").IsPerCpu);
        Assert.Equal(BpfMapType.RingBuffer, obj.GetMap("events").Type);
        Assert.Equal((BpfMapType.LpmTrie, 1u), (obj.GetMap("cidr_marks").Type, obj.GetMap("cidr_marks").Flags));
        Assert.Equal(BpfMapType.LruHash, obj.GetMap("flows").Type);
        Assert.Equal(16, obj.GetMap("pcpu_scratch").PerCpuValueStride);
        Assert.Equal(_pins.File("pinned_state"), obj.GetMap("pinned_state").PinPath);
        Assert.Equal("plexus_t.rodata", obj.GetMap(".rodata").Name);
        Assert.False(obj.TryGetMap("nope", out _));
        Assert.Throws<KeyNotFoundException>(() => obj.GetProgram("nope"));
    }

    [Fact]
    public void Read_only_constants_have_their_compiled_defaults_before_load()
    {
        using var obj = BpfTestFiles.Open(_pins);

        Assert.Equal(12, obj.ReadOnlyDataSize);
        Assert.Equal(["cfg", "mark_bias"], obj.ConstantNames.Order());
        var cfg = obj.GetConstant<TestConfig>("cfg");
        Assert.Equal((0u, (ushort)9, (byte)1), (cfg.Magic, cfg.DropPort, cfg.Count));
        Assert.Equal(0u, obj.GetConstant<uint>("mark_bias"));
    }

    [Fact]
    public void Constants_set_by_name_before_load_are_what_the_program_sees()
    {
        using var obj = BpfTestFiles.Open(_pins);
        obj.SetConstant("cfg", new TestConfig { Magic = 0xC0FFEE, DropPort = 53, Count = 1 });
        obj.SetConstant("mark_bias", 7u);
        obj.Load();
        var classify = obj.GetProgram("plx_classify");

        Assert.Equal(BpfTestFiles.TcActShot, classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1000, 53), []).ReturnValue);
        Assert.Equal(BpfTestFiles.TcActOk, classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1000, 9), []).ReturnValue);
        var ctx = new SkBuff { Mark = 0x100 };
        classify.TestRun(BpfPackets.Tcp("10.0.0.1", "10.0.0.2", 1000, 80), [], ref ctx);
        Assert.Equal(0x107u, ctx.Mark);
        Assert.Equal(53, obj.GetConstant<TestConfig>("cfg").DropPort); // read back from the kernel's frozen map
    }

    [Fact]
    public void The_whole_rodata_section_can_be_set_as_one_struct()
    {
        using var obj = BpfTestFiles.Open(_pins);
        obj.SetReadOnlyData(new TestRodata { Cfg = new TestConfig { Magic = 1, DropPort = 7, Count = 0 }, MarkBias = 40 });
        obj.Load();
        var classify = obj.GetProgram("plx_classify");

        var ctx = new SkBuff();
        Assert.Equal(BpfTestFiles.TcActShot, classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 7), [], ref ctx).ReturnValue);
        Assert.Equal(40u, ctx.Mark);
        Assert.Empty(obj.GetMap("proto_counts").GetKeys<ProtoKey>()); // count = 0 disabled the counter
        Assert.Equal(40u, obj.GetReadOnlyData<TestRodata>().MarkBias);
    }

    [Fact]
    public void Configuration_after_load_is_refused()
    {
        using var obj = BpfTestFiles.Load(_pins);

        Assert.Throws<InvalidOperationException>(() => obj.SetConstant("mark_bias", 1u));
        Assert.Throws<InvalidOperationException>(() => obj.GetMap("flows").SetMaxEntries(10));
        Assert.Throws<InvalidOperationException>(() => obj.GetMap("flows").SetValueSize(64));
        Assert.Throws<InvalidOperationException>(() => obj.GetMap("flows").SetPinPath(_pins.File("flows")));
        Assert.Throws<InvalidOperationException>(obj.Load);
    }

    [Fact]
    public void Constants_are_checked_by_name_and_size()
    {
        using var obj = BpfTestFiles.Open(_pins);

        Assert.Throws<ArgumentException>(() => obj.SetConstant("missing", 1u));
        Assert.Throws<ArgumentException>(() => obj.SetConstant("mark_bias", 1UL));
        Assert.Throws<ArgumentException>(() => obj.SetReadOnlyData(1u));
    }

    [Fact]
    public void Max_entries_set_before_load_sizes_the_kernel_map()
    {
        using var obj = BpfTestFiles.Open(_pins);
        obj.GetMap("flows").SetMaxEntries(512);
        obj.Load();

        var flows = obj.GetMap("flows");
        Assert.Equal(512, flows.MaxEntries);
        using var pinned = PinAndOpen(flows);
        Assert.Equal(512, pinned.MaxEntries); // as the kernel reports it
        Assert.NotEqual(0u, flows.Id);
        Assert.Equal(flows.Id, pinned.Id);
    }

    [Fact]
    public void A_rejected_program_reports_the_verifier_log()
    {
        using var obj = BpfObject.Open(BpfTestFiles.RejectedObject);

        var e = Assert.Throws<BpfException>(obj.Load);
        Assert.Contains(e.ErrnoName, new[] { "EACCES", "EINVAL" });
        Assert.NotNull(e.LibbpfLog);
        Assert.Contains("invalid access to packet", e.LibbpfLog, StringComparison.Ordinal);
    }

    private BpfMap PinAndOpen(BpfMap map)
    {
        var path = _pins.File(map.Name);
        map.Pin(path);
        return BpfMap.OpenPinned(path);
    }
}
