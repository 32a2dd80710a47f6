using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Plexus.Interop.Bpf.Native;

/// <summary>Turns libbpf and libc return codes into <see cref="BpfException"/>s, and small string helpers.</summary>
internal static unsafe class BpfErrors
{
    /// <summary>ENOENT: key, pin or filter not found.</summary>
    public const int ENOENT = 2;

    /// <summary>EINVAL: invalid argument.</summary>
    public const int EINVAL = 22;

    /// <summary>EINTR: interrupted system call.</summary>
    public const int EINTR = 4;

    /// <summary>EEXIST: key, pin or filter already exists.</summary>
    public const int EEXIST = 17;

    /// <summary>ENOSPC: output buffer too small (test run, batch bucket).</summary>
    public const int ENOSPC = 28;

    /// <summary>EBUSY: resource busy (a racing mount).</summary>
    public const int EBUSY = 16;

    /// <summary>EOPNOTSUPP: operation not supported.</summary>
    public const int EOPNOTSUPP = 95;

    /// <summary>ENOTSUPP (kernel-internal 524): the map type lacks the operation, e.g. batch lookups of an LPM trie.</summary>
    public const int ENOTSUPP = 524;

    /// <summary>Returns <paramref name="rc"/> when non-negative; otherwise throws for the negative errno it carries.</summary>
    public static int Check(int rc, string operation) => rc >= 0 ? rc : throw new BpfException(operation, -rc);

    /// <summary>Like <see cref="Check(int, string)"/>, formatting the interpolated operation only on failure.</summary>
    public static int Check(int rc, [InterpolatedStringHandlerArgument(nameof(rc))] ref FailureMessageHandler operation) =>
        rc >= 0 ? rc : throw new BpfException(operation.ToStringAndClear(), -rc);

    /// <summary>Decodes a NUL-terminated UTF-8 string owned by libbpf; empty for NULL.</summary>
    public static string String(byte* text) => text is null ? string.Empty : Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;

    /// <summary>Decodes a fixed-size, NUL-padded name field (bpf_map_info.name).</summary>
    public static string FixedString(byte* text, int capacity)
    {
        var span = new ReadOnlySpan<byte>(text, capacity);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }
}
