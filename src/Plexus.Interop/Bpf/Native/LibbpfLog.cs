using System.Runtime.InteropServices;
using System.Text;

namespace Plexus.Interop.Bpf.Native;

/// <summary>Routes libbpf's print callback: text printed during a <see cref="Capture"/> scope on the same thread is kept
/// for the exception (verifier logs, netlink errors); other warnings go to <see cref="BpfLog.Warning"/>.</summary>
internal static unsafe class LibbpfLog
{
    // The verifier's complaint is at the end of its log; keep the tail.
    private const int MaxCapturedChars = 32 * 1024;

    [ThreadStatic]
    private static StringBuilder? _capture;

    private static int _installed;

    /// <summary>Starts keeping libbpf output printed by this thread until the returned scope is disposed.</summary>
    public static Scope Capture()
    {
        EnsureInstalled();
        var previous = _capture;
        _capture = new StringBuilder();
        return new Scope(previous);
    }

    /// <summary>Installs the callback once per process (libbpf's default prints to stderr).</summary>
    public static void EnsureInstalled()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
        {
            Libbpf.SetPrint(&OnPrint);
        }
    }

    /// <summary>A capture in progress; <see cref="Text"/> is what libbpf printed so far.</summary>
    internal readonly ref struct Scope
    {
        private readonly StringBuilder? _previous;

        public Scope(StringBuilder? previous) => _previous = previous;

        /// <summary>The captured text, or null when libbpf printed nothing.</summary>
        public string? Text => _capture is { Length: > 0 } text ? text.ToString().TrimEnd() : null;

        /// <summary>Restores the enclosing capture, if any.</summary>
        public void Dispose() => _capture = _previous;
    }

    [UnmanagedCallersOnly]
    private static int OnPrint(int level, byte* format, nint arguments)
    {
        try
        {
            if (level >= Libbpf.PrintDebug)
            {
                return 0;
            }

            var capture = _capture;
            var sink = BpfLog.Warning;
            if (capture is null && (level != Libbpf.PrintWarn || sink is null))
            {
                return 0;
            }

            var text = Format(format, arguments);
            if (capture is not null)
            {
                capture.Append(text);
                if (capture.Length > MaxCapturedChars)
                {
                    capture.Remove(0, capture.Length - MaxCapturedChars);
                }
            }
            else
            {
                sink!(text.TrimEnd());
            }
        }
#pragma warning disable CA1031 // an exception must not unwind into libbpf's C frames
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return 0;
    }

    private static string Format(byte* format, nint arguments)
    {
        // The va_list arrives as a pointer on x86-64 (array type) and arm64 (large struct passed by reference); copying
        // its bytes is what va_copy does there, which lets us measure first and format a second time when needed.
        var vaListSize = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 32,
            _ => 0,
        };
        const int StackSize = 1024;
        var buffer = stackalloc byte[StackSize];
        if (vaListSize == 0)
        {
            var length = Libc.VsnPrintf(buffer, StackSize, format, arguments);
            return length <= 0 ? string.Empty : Encoding.UTF8.GetString(buffer, Math.Min(length, StackSize - 1));
        }

        var copy = stackalloc byte[32];
        Buffer.MemoryCopy((void*)arguments, copy, 32, vaListSize);
        var needed = Libc.VsnPrintf(buffer, StackSize, format, (nint)copy);
        if (needed <= 0)
        {
            return string.Empty;
        }

        if (needed < StackSize)
        {
            return Encoding.UTF8.GetString(buffer, needed);
        }

        var large = new byte[needed + 1];
        fixed (byte* p = large)
        {
            var written = Libc.VsnPrintf(p, (nuint)large.Length, format, arguments);
            return Encoding.UTF8.GetString(p, Math.Clamp(written, 0, needed));
        }
    }
}
