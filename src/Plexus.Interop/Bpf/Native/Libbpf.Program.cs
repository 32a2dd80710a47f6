using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>Mirror of <c>struct bpf_test_run_opts</c> (libbpf 1.1 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TestRunOptions
    {
        public nuint Size;
        public void* DataIn;
        public void* DataOut;
        public uint DataSizeIn;
        public uint DataSizeOut;
        public void* ContextIn;
        public void* ContextOut;
        public uint ContextSizeIn;
        public uint ContextSizeOut;
        public uint ReturnValue;
        public int Repeat;
        public uint Duration;
        public uint Flags;
        public uint Cpu;
        public uint BatchSize;
    }

    /// <summary>The leading fields of the kernel's <c>struct bpf_prog_info</c>, up to the name.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ProgramInfo
    {
        public uint Type;
        public uint Id;
        public fixed byte Tag[8];
        public uint JitedLength;
        public uint TranslatedLength;
        public ulong JitedInstructions;
        public ulong TranslatedInstructions;
        public ulong LoadTime;
        public uint CreatedByUid;
        public uint MapIdCount;
        public ulong MapIds;
        public fixed byte Name[16];
    }

    /// <summary>bpf_program__fd(): returns the program fd (owned by the object), or a negative errno before load.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_program__fd")]
    internal static partial int ProgramFd(nint program);

    /// <summary>bpf_program__name(): returns the function name (owned by the program); never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_program__name")]
    internal static partial byte* ProgramName(nint program);

    /// <summary>bpf_program__section_name(): returns the ELF section, e.g. "tc"; never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_program__section_name")]
    internal static partial byte* ProgramSectionName(nint program);

    /// <summary>bpf_program__type(): returns the <c>enum bpf_prog_type</c> deduced from the section; never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_program__type")]
    internal static partial int ProgramType(nint program);

    /// <summary>bpf_prog_test_run_opts(): runs the program on the given data (BPF_PROG_TEST_RUN); returns 0, -ENOSPC when data or ctx out was truncated (outputs still filled), or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_prog_test_run_opts")]
    internal static partial int ProgramTestRun(int fd, TestRunOptions* options);
}
