using System.Text;

namespace Plexus.Store;

/// <summary>Key helpers shared by the backends: validation, etcd's byte order and prefix ranges.</summary>
internal static class KeySpace
{
    /// <summary>Orders strings as etcd orders their UTF-8 bytes (Unicode code point order).</summary>
    public static IComparer<string> Utf8Order { get; } = Comparer<string>.Create(CompareUtf8);

    /// <summary>Rejects null or empty keys, which etcd refuses.</summary>
    public static void Validate(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
    }

    /// <summary>The etcd range [key, rangeEnd) that covers every key starting with <paramref name="prefix"/>.</summary>
    public static (byte[] Key, byte[] RangeEnd) PrefixRange(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            // etcd: key "\0" with range_end "\0" means every key.
            return ([0], [0]);
        }

        var key = Encoding.UTF8.GetBytes(prefix);
        var end = (byte[])key.Clone();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xFF)
            {
                end[i]++;
                return (key, end[..(i + 1)]);
            }
        }

        return (key, [0]);
    }

    private static int CompareUtf8(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return CodePointRank(x[i]) - CodePointRank(y[i]);
            }
        }

        return x.Length - y.Length;
    }

    // UTF-16 ordinal order puts surrogates (U+D800..DFFF) below U+E000..FFFF; UTF-8 puts them above.
    private static int CodePointRank(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
