using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>BPF_PROG_TEST_RUN: run the loaded program on a crafted packet in the kernel, without attaching it.</summary>
public sealed unsafe partial class BpfProgram
{
    /// <summary>Runs the program on <paramref name="packetIn"/> (an Ethernet frame for tc, at least 14 bytes) and copies the resulting packet into <paramref name="packetOut"/> (may be empty).</summary>
    /// <param name="packetIn">The input frame.</param>
    /// <param name="packetOut">Receives the (possibly rewritten) frame; when shorter than the result, <see cref="BpfTestRunResult.OutputTruncated"/> is set.</param>
    /// <param name="repeat">How many times to run (the duration is the average); 1 for functional tests.</param>
    /// <exception cref="BpfException">EINVAL for malformed input (e.g. a frame shorter than an Ethernet header), ENODEV for an unknown context ifindex.</exception>
    public BpfTestRunResult TestRun(ReadOnlySpan<byte> packetIn, Span<byte> packetOut, int repeat = 1)
    {
        fixed (byte* input = packetIn)
        fixed (byte* output = packetOut)
        {
            return TestRunCore(input, packetIn.Length, output, packetOut.Length, null, 0, repeat);
        }
    }

    /// <summary>Runs the program with <paramref name="context"/> as ctx_in (for tc: an <see cref="SkBuff"/> setting mark, priority, ifindex, cb…) and ctx_out.</summary>
    /// <remarks>The kernel only accepts a few writable context fields (for <c>__sk_buff</c>: mark, priority, ifindex, cb, tstamp, wire_len, gso_*, hwtstamp); others must be zero. The context is not written back when the packet output was truncated.</remarks>
    public BpfTestRunResult TestRun<TContext>(ReadOnlySpan<byte> packetIn, Span<byte> packetOut, ref TContext context, int repeat = 1)
        where TContext : unmanaged
    {
        fixed (byte* input = packetIn)
        fixed (byte* output = packetOut)
        fixed (TContext* ctx = &context)
        {
            return TestRunCore(input, packetIn.Length, output, packetOut.Length, ctx, sizeof(TContext), repeat);
        }
    }

    private BpfTestRunResult TestRunCore(byte* input, int inputLength, byte* output, int outputLength, void* context, int contextSize, int repeat)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeat);
        var options = new Libbpf.TestRunOptions
        {
            Size = (nuint)sizeof(Libbpf.TestRunOptions),
            DataIn = input,
            DataSizeIn = (uint)inputLength,
            // A NULL data_out makes the kernel skip the copy; a zero size with a buffer would mean "unlimited".
            DataOut = outputLength > 0 ? output : null,
            DataSizeOut = (uint)outputLength,
            ContextIn = context,
            ContextSizeIn = (uint)contextSize,
            ContextOut = context,
            ContextSizeOut = (uint)contextSize,
            Repeat = repeat,
        };

        using var lease = new HandleLease(_owner);
        var rc = Libbpf.ProgramTestRun(Fd, &options);
        var truncated = outputLength > 0 && options.DataSizeOut > (uint)outputLength;
        if (rc < 0 && !(rc == -BpfErrors.ENOSPC && truncated))
        {
            throw new BpfException($"bpf_prog_test_run_opts({Name})", -rc);
        }

        return new BpfTestRunResult(options.ReturnValue, (int)options.DataSizeOut, options.Duration, truncated);
    }
}
