using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>BPF_TC_F_REPLACE: replace the filter at the same handle and priority instead of failing with EEXIST.</summary>
    internal const uint TcFlagReplace = 1;

    /// <summary>Mirror of <c>struct bpf_tc_hook</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TcHookOptions
    {
        public nuint Size;
        public int IfIndex;
        public int AttachPoint;
        public uint Parent;
    }

    /// <summary>Mirror of <c>struct bpf_tc_opts</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TcOptions
    {
        public nuint Size;
        public int ProgramFd;
        public uint Flags;
        public uint ProgramId;
        public uint Handle;
        public uint Priority;
    }

    /// <summary>bpf_tc_hook_create(): adds the clsact qdisc; returns 0, -EEXIST when it already exists, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_tc_hook_create")]
    internal static partial int TcHookCreate(TcHookOptions* hook);

    /// <summary>bpf_tc_hook_destroy(): with INGRESS|EGRESS deletes the clsact qdisc (and its filters); returns 0 or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_tc_hook_destroy")]
    internal static partial int TcHookDestroy(TcHookOptions* hook);

    /// <summary>bpf_tc_attach(): adds a direct-action filter; returns 0 and fills handle/priority/prog_id, -EEXIST without REPLACE when taken, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_tc_attach")]
    internal static partial int TcAttach(TcHookOptions* hook, TcOptions* options);

    /// <summary>bpf_tc_detach(): deletes the filter at handle/priority; returns 0, -ENOENT when none, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_tc_detach")]
    internal static partial int TcDetach(TcHookOptions* hook, TcOptions* options);

    /// <summary>bpf_tc_query(): fills prog_id of the filter at handle/priority; returns 0, -ENOENT when none, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_tc_query")]
    internal static partial int TcQuery(TcHookOptions* hook, TcOptions* options);
}
