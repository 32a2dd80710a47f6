using System.Buffers;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>Batch operations (BPF_MAP_*_BATCH): many elements per syscall, for dumps, bulk sync and counter draining.</summary>
public sealed unsafe partial class BpfMap
{
    /// <summary>Reads the next entries of the walk at <paramref name="cursor"/> into <paramref name="keys"/>/<paramref name="values"/>; returns how many (0 once <see cref="BpfBatchCursor.IsComplete"/>).</summary>
    /// <exception cref="BpfException">ENOSPC when a hash bucket holds more entries than <paramref name="keys"/> can take; EINVAL/ENOTSUPP for map types without batch support (e.g. LPM trie).</exception>
    public int LookupBatch<TKey, TValue>(BpfBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged =>
        LookupBatch(cursor, keys, values, delete: false);

    /// <summary>Like <see cref="LookupBatch{TKey,TValue}"/>, deleting what it returns (atomic read-and-reset of hash counters).</summary>
    public int LookupAndDeleteBatch<TKey, TValue>(BpfBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged =>
        LookupBatch(cursor, keys, values, delete: true);

    /// <summary>Per-CPU <see cref="LookupBatch{TKey,TValue}"/>: entry i's value for CPU c lands in <paramref name="values"/>[i * <see cref="PossibleCpus"/> + c].</summary>
    public int LookupBatchPerCpu<TKey, TValue>(BpfBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(cursor);
        CheckPerCpuTypes<TKey, TValue>();
        var cpus = PossibleCpus;
        ArgumentOutOfRangeException.ThrowIfLessThan(values.Length, keys.Length * cpus, nameof(values));
        if (sizeof(TValue) == PerCpuValueStride)
        {
            fixed (TKey* k = keys)
            fixed (TValue* v = values)
            {
                return LookupBatchCore(cursor, k, v, keys.Length, delete: false);
            }
        }

        var size = keys.Length * cpus * PerCpuValueStride;
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int count;
            fixed (TKey* k = keys)
            fixed (byte* v = rented)
            {
                count = LookupBatchCore(cursor, k, v, keys.Length, delete: false);
            }

            UnpackPerCpu(rented.AsSpan(0, size), values[..(count * cpus)]);
            return count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Creates or overwrites every keys[i] with values[i]; returns the count, throws <see cref="BpfException"/> naming how many succeeded.</summary>
    /// <remarks>The kernel only takes <see cref="BpfUpdateFlags.Any"/> or <see cref="BpfUpdateFlags.Lock"/> for batches; NoExist/Exist need single updates.</remarks>
    public int UpdateBatch<TKey, TValue>(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        if (values.Length != keys.Length)
        {
            throw new ArgumentException($"{keys.Length} keys but {values.Length} values", nameof(values));
        }

        fixed (TKey* k = keys)
        fixed (TValue* v = values)
        {
            return UpdateBatchCore(k, v, keys.Length, flags);
        }
    }

    /// <summary>Per-CPU <see cref="UpdateBatch{TKey,TValue}"/>: keys[i] gets values[i * <see cref="PossibleCpus"/> .. +<see cref="PossibleCpus"/>].</summary>
    public int UpdateBatchPerCpu<TKey, TValue>(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckPerCpuTypes<TKey, TValue>();
        var cpus = PossibleCpus;
        if (values.Length != keys.Length * cpus)
        {
            throw new ArgumentException($"{keys.Length} keys need {keys.Length * cpus} per-CPU values, got {values.Length}", nameof(values));
        }

        if (sizeof(TValue) == PerCpuValueStride)
        {
            fixed (TKey* k = keys)
            fixed (TValue* v = values)
            {
                return UpdateBatchCore(k, v, keys.Length, flags);
            }
        }

        var size = values.Length * PerCpuValueStride;
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            PackPerCpu(values, rented.AsSpan(0, size));
            fixed (TKey* k = keys)
            fixed (byte* v = rented)
            {
                return UpdateBatchCore(k, v, keys.Length, flags);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Deletes every present key of <paramref name="keys"/> (absent ones are skipped); returns how many were deleted.</summary>
    public int DeleteBatch<TKey>(ReadOnlySpan<TKey> keys)
        where TKey : unmanaged
    {
        CheckKeyLength(sizeof(TKey));
        var deleted = 0;
        fixed (TKey* first = keys)
        {
            using var lease = new HandleLease(_owner);
            var options = new Libbpf.MapBatchOptions { Size = (nuint)sizeof(Libbpf.MapBatchOptions) };
            var start = 0;
            while (start < keys.Length)
            {
                // The kernel stops at the first missing key and reports how many it deleted before it: skip it, go on.
                var count = (uint)(keys.Length - start);
                var rc = Libbpf.MapDeleteBatch(Fd, first + start, &count, &options);
                deleted += (int)count;
                if (rc == 0)
                {
                    break;
                }

                if (rc != -BpfErrors.ENOENT)
                {
                    throw new BpfException($"bpf_map_delete_batch({Name}) after {deleted} deletions", -rc);
                }

                start += (int)count + 1;
            }
        }

        return deleted;
    }

    private int LookupBatch<TKey, TValue>(BpfBatchCursor cursor, Span<TKey> keys, Span<TValue> values, bool delete)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(cursor);
        CheckTypes<TKey, TValue>();
        ArgumentOutOfRangeException.ThrowIfLessThan(values.Length, keys.Length, nameof(values));
        fixed (TKey* k = keys)
        fixed (TValue* v = values)
        {
            return LookupBatchCore(cursor, k, v, keys.Length, delete);
        }
    }

    private int LookupBatchCore(BpfBatchCursor cursor, void* keys, void* values, int capacity, bool delete)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (cursor.IsComplete)
        {
            return 0;
        }

        // Hash maps use a u32 bucket index as token, array-like maps a key: size it for both.
        var token = cursor.Token(Math.Max(KeySize, sizeof(ulong)));
        var count = (uint)capacity;
        var options = new Libbpf.MapBatchOptions { Size = (nuint)sizeof(Libbpf.MapBatchOptions) };
        using var lease = new HandleLease(_owner);
        fixed (byte* t = token)
        {
            var inBatch = cursor.Started ? t : null;
            var rc = delete
                ? Libbpf.MapLookupAndDeleteBatch(Fd, inBatch, t, keys, values, &count, &options)
                : Libbpf.MapLookupBatch(Fd, inBatch, t, keys, values, &count, &options);
            if (rc == -BpfErrors.ENOENT)
            {
                cursor.IsComplete = true;
                return (int)count;
            }

            BpfErrors.Check(rc, delete ? $"bpf_map_lookup_and_delete_batch({Name})" : $"bpf_map_lookup_batch({Name})");
            cursor.Started = true;
            return (int)count;
        }
    }

    private int UpdateBatchCore(void* keys, void* values, int length, BpfUpdateFlags flags)
    {
        if ((flags & ~BpfUpdateFlags.Lock) != 0)
        {
            throw new ArgumentException($"batch updates accept only Any or Lock, not {flags} (the kernel answers EINVAL)", nameof(flags));
        }

        if (length == 0)
        {
            return 0;
        }

        var count = (uint)length;
        var options = new Libbpf.MapBatchOptions { Size = (nuint)sizeof(Libbpf.MapBatchOptions), ElementFlags = (ulong)flags };
        using var lease = new HandleLease(_owner);
        var rc = Libbpf.MapUpdateBatch(Fd, keys, values, &count, &options);
        if (rc == 0)
        {
            return length;
        }

        // On failures inside the loop the kernel reports how far it got; early argument checks leave count untouched.
        var progress = count < length ? $" after {count} of {length}" : string.Empty;
        throw new BpfException($"bpf_map_update_batch({Name}, {flags}){progress}", -rc);
    }
}
