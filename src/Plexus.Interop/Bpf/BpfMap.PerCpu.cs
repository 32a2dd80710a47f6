using System.Buffers;
using System.Runtime.InteropServices;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>Per-CPU maps: one value per possible CPU, each padded to 8 bytes in the kernel's buffers.</summary>
public sealed unsafe partial class BpfMap
{
    private const int StackBufferLimit = 1024;

    /// <summary>Fills <paramref name="values"/>[cpu] (length ≥ <see cref="PossibleCpus"/>) with each CPU's value for <paramref name="key"/>; false when absent.</summary>
    public bool TryLookupPerCpu<TKey, TValue>(in TKey key, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckPerCpuTypes<TKey, TValue>();
        var cpus = PossibleCpus;
        ArgumentOutOfRangeException.ThrowIfLessThan(values.Length, cpus, nameof(values));
        fixed (TKey* k = &key)
        {
            if (sizeof(TValue) == PerCpuValueStride)
            {
                fixed (TValue* v = values)
                {
                    return Lookup(k, v);
                }
            }

            var size = PerCpuValueStride * cpus;
            byte[]? rented = null;
            Span<byte> buffer = size <= StackBufferLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size)).AsSpan(0, size);
            try
            {
                fixed (byte* v = buffer)
                {
                    if (!Lookup(k, v))
                    {
                        return false;
                    }
                }

                UnpackPerCpu(buffer, values[..cpus]);
                return true;
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }

    /// <summary>Each CPU's value for <paramref name="key"/> (indexed by CPU), or null when absent.</summary>
    public TValue[]? LookupPerCpu<TKey, TValue>(in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        var values = new TValue[PossibleCpus];
        return TryLookupPerCpu(in key, values.AsSpan()) ? values : null;
    }

    /// <summary>Writes one value per CPU (<paramref name="values"/> length = <see cref="PossibleCpus"/>) at <paramref name="key"/>; throws <see cref="BpfException"/> like <see cref="Update{TKey,TValue}"/>.</summary>
    public void UpdatePerCpu<TKey, TValue>(in TKey key, ReadOnlySpan<TValue> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckPerCpuTypes<TKey, TValue>();
        var cpus = PossibleCpus;
        if (values.Length != cpus)
        {
            throw new ArgumentException($"expected {cpus} per-CPU values, got {values.Length}", nameof(values));
        }

        fixed (TKey* k = &key)
        {
            if (sizeof(TValue) == PerCpuValueStride)
            {
                fixed (TValue* v = values)
                {
                    Update(k, v, flags);
                    return;
                }
            }

            var size = PerCpuValueStride * cpus;
            byte[]? rented = null;
            Span<byte> buffer = size <= StackBufferLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size)).AsSpan(0, size);
            try
            {
                PackPerCpu(values, buffer);
                fixed (byte* v = buffer)
                {
                    Update(k, v, flags);
                }
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }

    private void CheckPerCpuTypes<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeyLength(sizeof(TKey));
        if (!IsPerCpu)
        {
            throw new InvalidOperationException($"map '{Name}' is not per-CPU ({Type})");
        }

        if (sizeof(TValue) != ValueSize)
        {
            throw new ArgumentException($"{typeof(TValue).Name} is {sizeof(TValue)} bytes but map '{Name}' values are {ValueSize}");
        }
    }

    private void UnpackPerCpu<TValue>(ReadOnlySpan<byte> buffer, Span<TValue> values)
        where TValue : unmanaged
    {
        var stride = PerCpuValueStride;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = MemoryMarshal.Read<TValue>(buffer.Slice(i * stride, sizeof(TValue)));
        }
    }

    private void PackPerCpu<TValue>(ReadOnlySpan<TValue> values, Span<byte> buffer)
        where TValue : unmanaged
    {
        var stride = PerCpuValueStride;
        buffer.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            MemoryMarshal.Write(buffer.Slice(i * stride, sizeof(TValue)), in values[i]);
        }
    }
}
