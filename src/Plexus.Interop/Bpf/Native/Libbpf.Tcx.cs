using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>BPF_TCX_INGRESS (<c>enum bpf_attach_type</c>, kernel 6.6).</summary>
    internal const int AttachTcxIngress = 46;

    /// <summary>BPF_TCX_EGRESS (<c>enum bpf_attach_type</c>, kernel 6.6).</summary>
    internal const int AttachTcxEgress = 47;

    /// <summary>BPF_F_REPLACE: swap the program given by replace_prog_fd in its place instead of adding one.</summary>
    internal const uint AttachFlagReplace = 1u << 2;

    /// <summary>Mirror of <c>struct bpf_prog_attach_opts</c> (libbpf 1.1 layout; the kernel reads replace_prog_fd for BPF_F_REPLACE).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ProgramAttachOptions
    {
        public nuint Size;
        public uint Flags;
        public int ReplaceProgramFd;
    }

    /// <summary>Mirror of <c>struct bpf_prog_query_opts</c> (libbpf 1.1 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ProgramQueryOptions
    {
        public nuint Size;
        public uint QueryFlags;
        public uint AttachFlags;
        public uint* ProgramIds;
        public uint ProgramCount;
        public uint* ProgramAttachFlags;
    }

    /// <summary>bpf_prog_attach_opts(): BPF_PROG_ATTACH of a program to a target (for tcx the target is an ifindex in the calling thread's namespace); returns 0 or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_prog_attach_opts")]
    internal static partial int ProgramAttach(int programFd, int target, int attachType, ProgramAttachOptions* options);

    /// <summary>bpf_prog_detach2(): BPF_PROG_DETACH of one program from a target; returns 0, -ENOENT when it is not attached there, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_prog_detach2")]
    internal static partial int ProgramDetach(int programFd, int target, int attachType);

    /// <summary>bpf_prog_query_opts(): BPF_PROG_QUERY, the ids of the programs at a hook in run order (prog_cnt in: capacity, out: count); returns 0 or a negative errno (-ENOSPC when the array was too small, still filled).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_prog_query_opts")]
    internal static partial int ProgramQuery(int target, int attachType, ProgramQueryOptions* options);

    /// <summary>bpf_prog_get_fd_by_id(): a new fd for a loaded program; returns it, -ENOENT when the id is gone, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_prog_get_fd_by_id")]
    internal static partial int ProgramGetFdById(uint id);
}
