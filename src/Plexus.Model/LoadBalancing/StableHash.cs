using System.Text;

namespace Plexus.Model.LoadBalancing;

/// <summary>64-bit string hashes that are identical in every process, run and node (unlike <see cref="string.GetHashCode()"/>).</summary>
public static class StableHash
{
    /// <summary>The FNV-1a 64 offset basis, used as the seed of <see cref="Primary"/>.</summary>
    public const ulong PrimarySeed = 0xcbf29ce484222325;

    /// <summary>The seed of <see cref="Secondary"/>: an unrelated odd constant (the 64-bit golden ratio).</summary>
    public const ulong SecondarySeed = 0x9e3779b97f4a7c15;

    private const ulong FnvPrime = 0x00000100000001b3;

    /// <summary>The first hash of <paramref name="value"/> (the Maglev offset).</summary>
    public static ulong Primary(string value) => Hash(value, PrimarySeed);

    /// <summary>The second hash of <paramref name="value"/> (the Maglev skip), independent of <see cref="Primary"/>.</summary>
    public static ulong Secondary(string value) => Hash(value, SecondarySeed);

    /// <summary>FNV-1a 64 over the UTF-8 bytes of <paramref name="value"/> from <paramref name="seed"/>, then a 64-bit finalizer so every input bit reaches every output bit.</summary>
    public static ulong Hash(string value, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(value);
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        var buffer = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(value, buffer);
        var hash = seed;
        foreach (var b in buffer[..length])
        {
            hash ^= b;
            hash *= FnvPrime;
        }

        // Fold in the length and the seed again, then mix (the splitmix64 finalizer): FNV alone leaves the high bits weak.
        return Mix(hash ^ ((ulong)length * 0xff51afd7ed558ccd) ^ (seed >> 1));
    }

    /// <summary>The splitmix64 finalizer: a bijection on 64-bit values with full avalanche.</summary>
    public static ulong Mix(ulong value)
    {
        value ^= value >> 30;
        value *= 0xbf58476d1ce4e5b9;
        value ^= value >> 27;
        value *= 0x94d049bb133111eb;
        value ^= value >> 31;
        return value;
    }
}
