using Plexus.Interop.Bpf;

namespace Plexus.Interop.Tests;

/// <summary>The test BPF objects compiled from bpf/*.c by the project's CompileTestBpfPrograms target.</summary>
internal static class BpfTestFiles
{
    /// <summary>TC_ACT_OK.</summary>
    public const uint TcActOk = 0;

    /// <summary>TC_ACT_SHOT.</summary>
    public const uint TcActShot = 2;

    /// <summary>plexus_test.o: the classifier with .rodata config, counters, LPM, LRU and ring buffer.</summary>
    public static string TestObject => Path.Combine(AppContext.BaseDirectory, "bpf", "plexus_test.o");

    /// <summary>plexus_test_rejected.o: a program the verifier rejects.</summary>
    public static string RejectedObject => Path.Combine(AppContext.BaseDirectory, "bpf", "plexus_test_rejected.o");

    /// <summary>Opens plexus_test.o with its LIBBPF_PIN_BY_NAME map pinned under <paramref name="pins"/> (never the shared /sys/fs/bpf root).</summary>
    public static BpfObject Open(BpfPinDirectory pins) => BpfObject.Open(TestObject, new BpfObjectOptions { PinRootPath = pins.Path });

    /// <summary>Opens plexus_test.o, applies <paramref name="configure"/> (default: nothing) and loads it.</summary>
    public static BpfObject Load(BpfPinDirectory pins) => Load(pins, _ => { });

    /// <summary>Opens plexus_test.o, applies <paramref name="configure"/> and loads it; disposes it if either fails.</summary>
    public static BpfObject Load(BpfPinDirectory pins, Action<BpfObject> configure)
    {
        var obj = Open(pins);
        try
        {
            configure(obj);
            obj.Load();
            return obj;
        }
        catch
        {
            obj.Dispose();
            throw;
        }
    }

    /// <summary>Sum over CPUs of a per-CPU u64 array slot.</summary>
    public static ulong PerCpuSum(BpfMap map, uint slot) => (map.LookupPerCpu<uint, ulong>(slot) ?? []).Aggregate(0UL, (sum, v) => sum + v);
}
