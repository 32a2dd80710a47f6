using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfMapTests : IDisposable
{
    private readonly BpfPinDirectory _pins = new();
    private readonly BpfObject _obj;

    public BpfMapTests() => _obj = _pins.Guard(BpfTestFiles.Load);

    public void Dispose()
    {
        _obj.Dispose();
        _pins.Dispose();
    }

    [Fact]
    public void Missing_keys_are_results_and_conflicting_updates_are_errno_exceptions()
    {
        var map = _obj.GetMap("proto_counts");
        var key = new ProtoKey { EthProto = 0x0800, IpProto = 17 };

        Assert.False(map.TryLookup(key, out ulong _));
        Assert.Null(map.Lookup<ProtoKey, ulong>(key));
        Assert.False(map.Delete(key));

        map.Update(key, 5UL, BpfUpdateFlags.NoExist);
        Assert.Equal(5UL, map.Lookup<ProtoKey, ulong>(key));

        var exists = Assert.Throws<BpfException>(() => map.Update(key, 6UL, BpfUpdateFlags.NoExist));
        Assert.Equal("EEXIST", exists.ErrnoName);
        Assert.Equal(17, exists.Errno);
        Assert.Contains("proto_counts", exists.Operation, StringComparison.Ordinal);

        map.Update(key, 6UL, BpfUpdateFlags.Exist);
        Assert.Equal(6UL, map.Lookup<ProtoKey, ulong>(key));
        var absent = Assert.Throws<BpfException>(() => map.Update(new ProtoKey { EthProto = 1 }, 1UL, BpfUpdateFlags.Exist));
        Assert.Equal("ENOENT", absent.ErrnoName);

        Assert.True(map.Delete(key));
        Assert.False(map.Delete(key));
    }

    [Fact]
    public void A_full_hash_map_refuses_new_keys_with_E2BIG()
    {
        var map = _obj.GetMap("proto_counts");
        for (ushort i = 0; i < map.MaxEntries; i++)
        {
            map.Update(new ProtoKey { EthProto = i }, (ulong)i);
        }

        var e = Assert.Throws<BpfException>(() => map.Update(new ProtoKey { EthProto = 1000 }, 1UL));
        Assert.Equal("E2BIG", e.ErrnoName);
        map.Update(new ProtoKey { EthProto = 3 }, 33UL); // overwriting still works
    }

    [Fact]
    public void Keys_and_entries_enumerate_every_element()
    {
        var map = _obj.GetMap("proto_counts");
        for (byte i = 1; i <= 10; i++)
        {
            map.Update(new ProtoKey { EthProto = 0x0800, IpProto = i }, (ulong)i * 100);
        }

        Assert.Equal(Enumerable.Range(1, 10), map.GetKeys<ProtoKey>().Select(k => (int)k.IpProto).Order());
        var entries = map.GetEntries<ProtoKey, ulong>().ToList();
        Assert.Equal(Enumerable.Range(1, 10), entries.Select(e => (int)e.Key.IpProto).Order());
        Assert.All(entries, e => Assert.Equal(e.Key.IpProto * 100UL, e.Value));

        // Arrays always hold max_entries keys.
        Assert.Equal([0u, 1u, 2u, 3u], _obj.GetMap("verdict_counts").GetKeys<uint>());
    }

    [Fact]
    public void Raw_span_operations_work_and_sizes_are_validated()
    {
        var map = _obj.GetMap("proto_counts");
        Span<byte> key = [0x00, 0x08, 6, 0];
        Span<byte> value = stackalloc byte[8];

        map.Update(key, BitConverter.GetBytes(42UL));
        Assert.True(map.TryLookup(key, value));
        Assert.Equal(42UL, BitConverter.ToUInt64(value));
        Span<byte> next = stackalloc byte[4];
        Assert.True(map.TryGetNextKey([], next));
        Assert.True(next.SequenceEqual(key));
        Assert.False(map.TryGetNextKey(key, next));

        Assert.Throws<ArgumentException>(() => map.TryLookup(new byte[3], new byte[8]));
        Assert.Throws<ArgumentException>(() => map.Update(new byte[4], new byte[4]));
        Assert.Throws<ArgumentException>(() => map.TryLookup(0UL, out ulong _));
        Assert.Throws<InvalidOperationException>(() => map.TryLookupPerCpu(new ProtoKey(), new ulong[BpfMap.PossibleCpus].AsSpan()));
        Assert.Throws<InvalidOperationException>(() => _obj.GetMap("verdict_counts").TryLookup(0u, out ulong _));
    }

    [Fact]
    public void Per_cpu_array_values_are_read_and_written_per_cpu()
    {
        var map = _obj.GetMap("verdict_counts");
        var values = Enumerable.Range(1, BpfMap.PossibleCpus).Select(i => (ulong)i * 10).ToArray();

        map.UpdatePerCpu(2u, values.AsSpan());

        Assert.Equal(values, map.LookupPerCpu<uint, ulong>(2u));
        Assert.Equal(values.Aggregate(0UL, (a, b) => a + b), BpfTestFiles.PerCpuSum(map, 2));
        Span<byte> raw = new byte[8 * BpfMap.PossibleCpus];
        Assert.True(map.TryLookup(BitConverter.GetBytes(2u), raw));
        Assert.Equal(10UL, BitConverter.ToUInt64(raw));
    }

    [Fact]
    public void Per_cpu_values_smaller_than_8_bytes_are_unpadded()
    {
        var map = _obj.GetMap("pcpu_scratch");
        var values = Enumerable.Range(0, BpfMap.PossibleCpus).Select(i => new PcpuValue { A = (uint)i, B = 0xBBBB, C = (uint)i + 100 }).ToArray();

        map.UpdatePerCpu(7u, values.AsSpan(), BpfUpdateFlags.NoExist);

        Assert.Equal(values, map.LookupPerCpu<uint, PcpuValue>(7u));
        Assert.Null(map.LookupPerCpu<uint, PcpuValue>(8u));
    }

    [Fact]
    public void Lpm_trie_lookups_return_the_longest_matching_prefix()
    {
        var map = _obj.GetMap("cidr_marks");
        map.Update(Prefix("10.0.0.0", 8), 1u);
        map.Update(Prefix("10.1.0.0", 16), 2u);
        map.Update(Prefix("10.1.2.0", 24), 3u);

        Assert.Equal(3u, map.Lookup<LpmV4Key, uint>(Prefix("10.1.2.3", 32)));
        Assert.Equal(2u, map.Lookup<LpmV4Key, uint>(Prefix("10.1.9.9", 32)));
        Assert.Equal(1u, map.Lookup<LpmV4Key, uint>(Prefix("10.200.0.1", 32)));
        Assert.Null(map.Lookup<LpmV4Key, uint>(Prefix("11.0.0.1", 32)));
        Assert.Equal(3, map.GetKeys<LpmV4Key>().Count());
        // A trie has no batch lookup: entries come from the key walk.
        Assert.Equal([1u, 2u, 3u], map.GetEntries<LpmV4Key, uint>().Select(e => e.Value).Order());

        // The datapath sees the same answer: mark = lpm value.
        var ctx = new SkBuff();
        _obj.GetProgram("plx_classify").TestRun(BpfPackets.Udp("192.168.0.1", "10.1.2.3", 1, 2), [], ref ctx);
        Assert.Equal(3u, ctx.Mark);

        Assert.True(map.Delete(Prefix("10.1.2.0", 24)));
        Assert.Equal(2u, map.Lookup<LpmV4Key, uint>(Prefix("10.1.2.3", 32)));
    }

    [Fact]
    public void Lru_hash_evicts_old_flows_instead_of_failing_when_full()
    {
        var map = _obj.GetMap("flows");
        for (uint i = 0; i < 3 * (uint)map.MaxEntries; i++)
        {
            map.Update(new FlowKey { Saddr = i, Proto = 17 }, new FlowStats { Packets = i });
        }

        var count = map.GetKeys<FlowKey>().Count();
        Assert.InRange(count, 1, map.MaxEntries);
        Assert.NotNull(map.Lookup<FlowKey, FlowStats>(new FlowKey { Saddr = (3 * (uint)map.MaxEntries) - 1, Proto = 17 }));
    }

    private static LpmV4Key Prefix(string address, uint length) => new() { Prefixlen = length, Addr = BpfPackets.NetworkOrder(address) };
}
