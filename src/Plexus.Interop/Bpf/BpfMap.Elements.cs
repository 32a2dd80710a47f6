using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>Single-element operations and key iteration. A missing key is a result (false/null), not an exception.</summary>
public sealed unsafe partial class BpfMap
{
    /// <summary>Looks <paramref name="key"/> up into <paramref name="value"/> (for per-CPU maps: <see cref="PossibleCpus"/> × <see cref="PerCpuValueStride"/> bytes); false when absent.</summary>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKeyLength(key.Length);
        CheckValueLength(value.Length);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            return Lookup(k, v);
        }
    }

    /// <summary>Creates or overwrites <paramref name="key"/> as <paramref name="flags"/> allow; throws <see cref="BpfException"/> (EEXIST, ENOENT, E2BIG…) otherwise.</summary>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckKeyLength(key.Length);
        CheckValueLength(value.Length);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            Update(k, v, flags);
        }
    }

    /// <summary>Deletes <paramref name="key"/>; false when it was absent.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKeyLength(key.Length);
        fixed (byte* k = key)
        {
            return Delete(k);
        }
    }

    /// <summary>Writes the key after <paramref name="key"/> (empty: the first key) to <paramref name="nextKey"/>; false after the last key.</summary>
    /// <remarks>For hash maps, when <paramref name="key"/> was deleted meanwhile the walk restarts at the first key.</remarks>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
        {
            CheckKeyLength(key.Length);
        }

        CheckKeyLength(nextKey.Length);
        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            return NextKey(key.IsEmpty ? null : k, n);
        }
    }

    /// <summary>Looks <paramref name="key"/> up; false (and default) when absent. Not for per-CPU maps (see <see cref="TryLookupPerCpu"/>).</summary>
    public bool TryLookup<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        value = default;
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            return Lookup(k, v);
        }
    }

    /// <summary>The value at <paramref name="key"/>, or null when absent. Not for per-CPU maps.</summary>
    public TValue? Lookup<TKey, TValue>(in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged =>
        TryLookup(in key, out TValue value) ? value : null;

    /// <summary>Creates or overwrites <paramref name="key"/> as <paramref name="flags"/> allow; throws <see cref="BpfException"/> (EEXIST for NoExist on a present key, ENOENT for Exist on an absent one, E2BIG when full).</summary>
    public void Update<TKey, TValue>(in TKey key, in TValue value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            Update(k, v, flags);
        }
    }

    /// <summary>Deletes <paramref name="key"/>; false when it was absent.</summary>
    public bool Delete<TKey>(in TKey key)
        where TKey : unmanaged
    {
        CheckKeyLength(sizeof(TKey));
        fixed (TKey* k = &key)
        {
            return Delete(k);
        }
    }

    /// <summary>Enumerates the keys (bpf_map_get_next_key). Concurrent changes may be missed, and a hash walk restarts if its current key is deleted.</summary>
    public IEnumerable<TKey> GetKeys<TKey>()
        where TKey : unmanaged
    {
        CheckKeyLength(sizeof(TKey));
        return Walk();

        IEnumerable<TKey> Walk()
        {
            TKey current = default;
            var started = false;
            while (NextKey(started, current, out var next))
            {
                yield return next;
                current = next;
                started = true;
            }
        }
    }

    /// <summary>
    /// Enumerates key/value pairs. Not for per-CPU maps. Maps with batch support (hashes, LRU hashes, arrays) are read
    /// <see cref="EntriesPerBatch"/> entries per syscall, bucket by bucket, so a key evicted meanwhile does not restart
    /// the walk; others (LPM tries) by a key walk with one lookup per key, skipping keys deleted in between.
    /// </summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> GetEntries<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckTypes<TKey, TValue>();
        var keys = new TKey[EntriesPerBatch];
        var values = new TValue[EntriesPerBatch];
        var cursor = new BpfBatchCursor();
        var count = FirstBatch(cursor, ref keys, ref values);
        if (count < 0)
        {
            foreach (var key in GetKeys<TKey>())
            {
                if (TryLookup(in key, out TValue value))
                {
                    yield return new KeyValuePair<TKey, TValue>(key, value);
                }
            }

            yield break;
        }

        while (true)
        {
            for (var i = 0; i < count; i++)
            {
                yield return new KeyValuePair<TKey, TValue>(keys[i], values[i]);
            }

            if (cursor.IsComplete)
            {
                yield break;
            }

            count = NextBatch(cursor, ref keys, ref values);
        }
    }

    /// <summary>Entries read per batch syscall by <see cref="GetEntries{TKey,TValue}"/> (grown when one hash bucket holds more).</summary>
    public const int EntriesPerBatch = 1024;

    // The first batch of a walk, or -1 when the map type has no batch lookup (the caller walks keys instead).
    private int FirstBatch<TKey, TValue>(BpfBatchCursor cursor, ref TKey[] keys, ref TValue[] values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        try
        {
            return NextBatch(cursor, ref keys, ref values);
        }
        catch (BpfException e) when (e.Errno is BpfErrors.EINVAL or BpfErrors.ENOTSUPP or BpfErrors.EOPNOTSUPP)
        {
            return -1;
        }
    }

    // One batch; a hash bucket larger than the buffers (ENOSPC, nothing copied, position kept) doubles them and retries.
    private int NextBatch<TKey, TValue>(BpfBatchCursor cursor, ref TKey[] keys, ref TValue[] values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        while (true)
        {
            try
            {
                return LookupBatch<TKey, TValue>(cursor, keys, values);
            }
            catch (BpfException e) when (e.Errno == BpfErrors.ENOSPC && keys.Length < MaxEntriesPerBatch)
            {
                keys = new TKey[keys.Length * 2];
                values = new TValue[values.Length * 2];
            }
        }
    }

    private const int MaxEntriesPerBatch = 1 << 20;

    private bool NextKey<TKey>(bool started, TKey current, out TKey next)
        where TKey : unmanaged
    {
        next = default;
        fixed (TKey* n = &next)
        {
            return NextKey(started ? &current : null, n);
        }
    }

    private bool Lookup(void* key, void* value)
    {
        using var lease = new HandleLease(_owner);
        var rc = Libbpf.MapLookupElem(Fd, key, value);
        return rc == 0 || (rc == -BpfErrors.ENOENT ? false : throw new BpfException($"bpf_map_lookup_elem({Name})", -rc));
    }

    private void Update(void* key, void* value, BpfUpdateFlags flags)
    {
        using var lease = new HandleLease(_owner);
        BpfErrors.Check(Libbpf.MapUpdateElem(Fd, key, value, (ulong)flags), $"bpf_map_update_elem({Name}, {flags})");
    }

    private bool Delete(void* key)
    {
        using var lease = new HandleLease(_owner);
        var rc = Libbpf.MapDeleteElem(Fd, key);
        return rc == 0 || (rc == -BpfErrors.ENOENT ? false : throw new BpfException($"bpf_map_delete_elem({Name})", -rc));
    }

    private bool NextKey(void* key, void* nextKey)
    {
        using var lease = new HandleLease(_owner);
        var rc = Libbpf.MapGetNextKey(Fd, key, nextKey);
        return rc == 0 || (rc == -BpfErrors.ENOENT ? false : throw new BpfException($"bpf_map_get_next_key({Name})", -rc));
    }

    private void CheckTypes<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeyLength(sizeof(TKey));
        if (IsPerCpu)
        {
            throw new InvalidOperationException($"map '{Name}' is per-CPU ({Type}); use the *PerCpu methods");
        }

        if (sizeof(TValue) != ValueSize)
        {
            throw new ArgumentException($"{typeof(TValue).Name} is {sizeof(TValue)} bytes but map '{Name}' values are {ValueSize}");
        }
    }

    private void CheckKeyLength(int length)
    {
        if (length != KeySize)
        {
            throw new ArgumentException($"key is {length} bytes but map '{Name}' keys are {KeySize}");
        }
    }

    private void CheckValueLength(int length)
    {
        var expected = IsPerCpu ? PerCpuValueStride * PossibleCpus : ValueSize;
        if (length != expected)
        {
            throw new ArgumentException($"value is {length} bytes but map '{Name}' values are {expected}{(IsPerCpu ? " (per-CPU)" : string.Empty)}");
        }
    }
}
