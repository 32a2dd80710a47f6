using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfBatchTests : IDisposable
{
    private readonly BpfPinDirectory _pins = new();
    private readonly BpfObject _obj;

    public BpfBatchTests() => _obj = _pins.Guard(BpfTestFiles.Load);

    public void Dispose()
    {
        _obj.Dispose();
        _pins.Dispose();
    }

    [Fact]
    public void Batches_update_walk_and_delete_a_hash_map()
    {
        var map = _obj.GetMap("proto_counts");
        var keys = Enumerable.Range(0, 50).Select(i => new ProtoKey { EthProto = (ushort)(0x1000 + i), IpProto = (byte)i }).ToArray();
        var values = keys.Select(k => (ulong)k.EthProto * 3).ToArray();

        Assert.Equal(50, map.UpdateBatch<ProtoKey, ulong>(keys, values));

        var seen = ReadAll(map, chunk: 64);
        Assert.Equal(50, seen.Count);
        Assert.All(seen, e => Assert.Equal(e.Key.EthProto * 3UL, e.Value));

        // The kernel has no NoExist/Exist semantics for batches; refuse before it says EINVAL.
        Assert.Throws<ArgumentException>(() => map.UpdateBatch<ProtoKey, ulong>(keys.AsSpan(0, 1), values.AsSpan(0, 1), BpfUpdateFlags.NoExist));

        // Absent keys in the middle are skipped, not fatal.
        ProtoKey[] toDelete = [keys[0], new ProtoKey { EthProto = 1 }, keys[1], new ProtoKey { EthProto = 2 }, keys[2]];
        Assert.Equal(3, map.DeleteBatch<ProtoKey>(toDelete));
        Assert.Equal(47, map.GetKeys<ProtoKey>().Count());
    }

    [Fact]
    public void Lookup_and_delete_batch_drains_the_map()
    {
        var map = _obj.GetMap("proto_counts");
        var keys = Enumerable.Range(0, 20).Select(i => new ProtoKey { EthProto = (ushort)i }).ToArray();
        map.UpdateBatch<ProtoKey, ulong>(keys, keys.Select(k => (ulong)k.EthProto).ToArray());

        var cursor = new BpfBatchCursor();
        var outKeys = new ProtoKey[64];
        var outValues = new ulong[64];
        var total = 0;
        while (!cursor.IsComplete)
        {
            total += map.LookupAndDeleteBatch(cursor, outKeys.AsSpan(), outValues.AsSpan());
        }

        Assert.Equal(20, total);
        Assert.Empty(map.GetKeys<ProtoKey>());
    }

    [Fact]
    public void Array_batches_walk_every_index()
    {
        var map = _obj.GetMap("verdict_counts");
        var cpus = BpfMap.PossibleCpus;
        uint[] keys = [0, 1, 2, 3];
        var values = Enumerable.Range(0, 4 * cpus).Select(i => (ulong)i).ToArray();

        Assert.Equal(4, map.UpdateBatchPerCpu<uint, ulong>(keys, values));

        var cursor = new BpfBatchCursor();
        var outKeys = new uint[3];
        var outValues = new ulong[3 * cpus];
        var read = new Dictionary<uint, ulong[]>();
        while (!cursor.IsComplete)
        {
            var n = map.LookupBatchPerCpu(cursor, outKeys.AsSpan(), outValues.AsSpan());
            for (var i = 0; i < n; i++)
            {
                read[outKeys[i]] = outValues.AsSpan(i * cpus, cpus).ToArray();
            }
        }

        Assert.Equal(keys, read.Keys.Order());
        Assert.All(keys, k => Assert.Equal(values.AsSpan((int)k * cpus, cpus).ToArray(), read[k]));
    }

    [Fact]
    public void Per_cpu_hash_batches_handle_padded_values()
    {
        var map = _obj.GetMap("pcpu_scratch");
        var cpus = BpfMap.PossibleCpus;
        var keys = Enumerable.Range(1, 10).Select(i => (uint)i).ToArray();
        var values = keys.SelectMany(k => Enumerable.Range(0, cpus).Select(c => new PcpuValue { A = k, B = (uint)c, C = k * 1000 + (uint)c })).ToArray();

        Assert.Equal(10, map.UpdateBatchPerCpu<uint, PcpuValue>(keys, values));

        var cursor = new BpfBatchCursor();
        var outKeys = new uint[32];
        var outValues = new PcpuValue[32 * cpus];
        var n = 0;
        while (!cursor.IsComplete)
        {
            n += map.LookupBatchPerCpu(cursor, outKeys.AsSpan(n), outValues.AsSpan(n * cpus));
        }

        Assert.Equal(10, n);
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < cpus; c++)
            {
                Assert.Equal(new PcpuValue { A = outKeys[i], B = (uint)c, C = outKeys[i] * 1000 + (uint)c }, outValues[i * cpus + c]);
            }
        }

        Assert.Throws<InvalidOperationException>(() => map.UpdateBatch<uint, PcpuValue>(keys, values.AsSpan(0, 10)));
    }

    [Fact]
    public void Batch_operations_a_map_type_lacks_fail_with_an_errno()
    {
        var map = _obj.GetMap("verdict_counts"); // array elements cannot be deleted

        var e = Assert.Throws<BpfException>(() => map.DeleteBatch<uint>([0u, 1u]));
        Assert.Contains(e.ErrnoName, new[] { "EINVAL", "ENOTSUPP" });
        Assert.Contains("bpf_map_delete_batch(verdict_counts)", e.Message, StringComparison.Ordinal);
    }

    private static List<KeyValuePair<ProtoKey, ulong>> ReadAll(BpfMap map, int chunk)
    {
        var cursor = new BpfBatchCursor();
        var keys = new ProtoKey[chunk];
        var values = new ulong[chunk];
        var all = new List<KeyValuePair<ProtoKey, ulong>>();
        while (!cursor.IsComplete)
        {
            var n = map.LookupBatch(cursor, keys.AsSpan(), values.AsSpan());
            for (var i = 0; i < n; i++)
            {
                all.Add(new(keys[i], values[i]));
            }
        }

        return all;
    }
}
