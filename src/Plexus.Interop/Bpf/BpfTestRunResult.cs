namespace Plexus.Interop.Bpf;

/// <summary>The outcome of <see cref="BpfProgram.TestRun"/>: the program's return value (tc verdict), the output size and the average run time.</summary>
/// <param name="ReturnValue">What the program returned, e.g. TC_ACT_OK (0) or TC_ACT_SHOT (2).</param>
/// <param name="DataSizeOut">The size of the packet after the program ran (may exceed the output buffer, see <paramref name="OutputTruncated"/>).</param>
/// <param name="DurationNanoseconds">The average duration of one run in nanoseconds.</param>
/// <param name="OutputTruncated">True when the output buffer was shorter than <paramref name="DataSizeOut"/> and only its length was copied.</param>
public readonly record struct BpfTestRunResult(uint ReturnValue, int DataSizeOut, uint DurationNanoseconds, bool OutputTruncated);
