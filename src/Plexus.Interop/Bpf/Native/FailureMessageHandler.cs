using System.Runtime.CompilerServices;

namespace Plexus.Interop.Bpf.Native;

/// <summary>Formats the operation text of <see cref="BpfErrors.Check(int, ref FailureMessageHandler)"/> only when the call failed,
/// so hot map operations do not allocate a message per successful syscall.</summary>
[InterpolatedStringHandler]
internal ref struct FailureMessageHandler
{
    private DefaultInterpolatedStringHandler _inner;

    /// <summary>Enables formatting only for a negative <paramref name="rc"/>.</summary>
    public FailureMessageHandler(int literalLength, int formattedCount, int rc, out bool shouldAppend)
    {
        shouldAppend = rc < 0;
        _inner = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    /// <summary>Appends literal text.</summary>
    public void AppendLiteral(string value) => _inner.AppendLiteral(value);

    /// <summary>Appends a formatted hole.</summary>
    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    /// <summary>The formatted text.</summary>
    public string ToStringAndClear() => _inner.ToStringAndClear();
}
