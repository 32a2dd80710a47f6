using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfPinningTests : IDisposable
{
    private readonly BpfPinDirectory _pins = new();

    public void Dispose() => _pins.Dispose();

    [Fact]
    public void A_pinned_map_opened_by_path_is_the_same_map()
    {
        using var obj = BpfTestFiles.Load(_pins);
        var counts = obj.GetMap("proto_counts");
        var path = _pins.File("counts");

        counts.Pin(path);
        Assert.Equal(path, counts.PinPath);
        using var pinned = BpfMap.OpenPinned(path);
        Assert.Equal((counts.Id, BpfMapType.Hash, 4, 8, 64, "proto_counts"), (pinned.Id, pinned.Type, pinned.KeySize, pinned.ValueSize, pinned.MaxEntries, pinned.Name));

        pinned.Update(new ProtoKey { EthProto = 0x86DD }, 9UL);
        Assert.Equal(9UL, counts.Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = 0x86DD }));

        Assert.Equal("EEXIST", Assert.Throws<BpfException>(() => counts.Pin(path)).ErrnoName);
        Assert.True(counts.Unpin());
        Assert.False(counts.Unpin(path));
        Assert.False(File.Exists(path));
        Assert.Null(BpfMap.TryOpenPinned(path));
        Assert.Equal("ENOENT", Assert.Throws<BpfException>(() => BpfMap.OpenPinned(path)).ErrnoName);
        Assert.Equal(9UL, pinned.Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = 0x86DD })); // fds keep it alive
    }

    [Fact]
    public void Values_survive_a_restart_when_the_new_object_reuses_the_pinned_map()
    {
        var path = _pins.File("flows");
        var key = new FlowKey { Saddr = BpfPackets.NetworkOrder("10.0.0.1"), Daddr = BpfPackets.NetworkOrder("10.0.0.2"), Sport = 1000, Dport = 53, Proto = 17 };
        uint firstId;
        using (var first = BpfTestFiles.Open(_pins))
        {
            Assert.Equal(BpfReuseResult.NotPinned, first.GetMap("flows").ReusePinned(path));
            first.Load();
            first.GetProgram("plx_classify").TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1000, 53), []);
            first.GetMap("flows").Pin(path);
            firstId = first.GetMap("flows").Id;
        }

        using var second = BpfTestFiles.Open(_pins);
        Assert.Equal(BpfReuseResult.Reused, second.GetMap("flows").ReusePinned(path));
        second.Load();
        var flows = second.GetMap("flows");
        Assert.Equal(firstId, flows.Id);
        Assert.Equal(1UL, flows.Lookup<FlowKey, FlowStats>(key)?.Packets);

        second.GetProgram("plx_classify").TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1000, 53), []);
        using var pinned = BpfMap.OpenPinned(path);
        Assert.Equal(2UL, pinned.Lookup<FlowKey, FlowStats>(key)?.Packets);
    }

    [Fact]
    public void Explicit_reuse_fd_shares_the_map_between_two_objects()
    {
        using var first = BpfTestFiles.Load(_pins);
        using var second = BpfTestFiles.Open(_pins);
        second.GetMap("proto_counts").ReuseFd(first.GetMap("proto_counts"));
        second.Load();

        first.GetMap("proto_counts").Update(new ProtoKey { EthProto = 1 }, 11UL);
        Assert.Equal(11UL, second.GetMap("proto_counts").Lookup<ProtoKey, ulong>(new ProtoKey { EthProto = 1 }));
        Assert.Equal(first.GetMap("proto_counts").Id, second.GetMap("proto_counts").Id);
        Assert.NotEqual(first.GetMap("flows").Id, second.GetMap("flows").Id);
    }

    [Fact]
    public void Pin_by_name_maps_are_reused_from_the_pin_root_across_reloads()
    {
        uint id;
        using (var first = BpfTestFiles.Load(_pins))
        {
            Assert.True(File.Exists(_pins.File("pinned_state")));
            first.GetMap("pinned_state").Update(1u, 1234UL);
            id = first.GetMap("pinned_state").Id;
        }

        using var second = BpfTestFiles.Load(_pins);
        Assert.Equal(id, second.GetMap("pinned_state").Id);
        Assert.Equal(1234UL, second.GetMap("pinned_state").Lookup<uint, ulong>(1u));
    }

    [Fact]
    public void Reuse_of_an_incompatible_pinned_map_is_reported_not_applied()
    {
        var path = _pins.File("counts");
        using (var first = BpfTestFiles.Load(_pins))
        {
            first.GetMap("proto_counts").Pin(path);
        }

        using var second = BpfTestFiles.Open(_pins);
        second.GetMap("proto_counts").SetMaxEntries(128);
        Assert.Equal(BpfReuseResult.Incompatible, second.GetMap("proto_counts").ReusePinned(path));
        using var pinned = BpfMap.OpenPinned(path);
        var e = Assert.Throws<InvalidOperationException>(() => second.GetMap("proto_counts").ReuseFd(pinned));
        Assert.Contains("max entries", e.Message, StringComparison.Ordinal);
        second.Load();
        Assert.NotEqual(pinned.Id, second.GetMap("proto_counts").Id);
    }
}
