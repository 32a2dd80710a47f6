using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>
/// The tcx hooks of one device (kernel 6.6 and later): BPF programs that run in order on the packets a device receives
/// (ingress) or transmits (egress), ahead of any clsact filter and without a qdisc or a classifier walk.
/// </summary>
/// <remarks>
/// Attachments are made with <c>BPF_PROG_ATTACH</c>, not links: they belong to the device until detached or the device
/// is deleted, so the datapath keeps running when the process that attached it exits. A program is known across
/// restarts by its name (the first 15 bytes, all the kernel keeps): attaching a program where one of the same name runs swaps it in that place atomically.
/// Like <see cref="TcHook"/>, every call acts in the network namespace of the calling thread.
/// </remarks>
public sealed unsafe class TcxHook
{
    // bpf_mprog_max(): the most programs one tcx hook holds.
    private const int MaxPrograms = 64;

    // BPF_OBJ_NAME_LEN less the NUL: the kernel keeps the first 15 bytes of a program's name.
    private const int KernelNameLength = 15;

    private static readonly Lazy<bool> Supported = new(Probe);

    /// <summary>A hook for device <paramref name="ifIndex"/>.</summary>
    public TcxHook(int ifIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        IfIndex = ifIndex;
    }

    /// <summary>The device's interface index.</summary>
    public int IfIndex { get; }

    /// <summary>True when the running kernel has tcx (probed once, by querying the loopback device's ingress hook).</summary>
    public static bool IsSupported => Supported.Value;

    /// <summary>The ids of the programs at the hook, in the order they run; empty when there are none.</summary>
    /// <exception cref="BpfException">ENODEV when the device does not exist in the thread's namespace; EINVAL on a kernel without tcx.</exception>
    public IReadOnlyList<uint> QueryProgramIds(TcAttachPoint attachPoint)
    {
        var ids = new uint[MaxPrograms];
        fixed (uint* p = ids)
        {
            var options = new Libbpf.ProgramQueryOptions { Size = (nuint)sizeof(Libbpf.ProgramQueryOptions), ProgramIds = p, ProgramCount = MaxPrograms };
            var rc = Libbpf.ProgramQuery(IfIndex, AttachType(attachPoint), &options);
            if (rc < 0)
            {
                throw new BpfException($"bpf_prog_query(ifindex {IfIndex} tcx {Describe(attachPoint)})", -rc);
            }

            return ids[..(int)Math.Min(options.ProgramCount, MaxPrograms)];
        }
    }

    /// <summary>The id of the program named <paramref name="name"/> at the hook (the first one when several), or null.</summary>
    public uint? FindProgram(TcAttachPoint attachPoint, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Find(QueryProgramIds(attachPoint), name);
    }

    /// <summary>
    /// Attaches <paramref name="program"/>: in the place of the program of the same name when the hook has one (an atomic
    /// swap, so packets never pass unprocessed), otherwise after the programs already there. Attaching a program that is
    /// already at the hook changes nothing.
    /// </summary>
    /// <returns>The attachment, with the id of the program it replaced (null when it was added or already there).</returns>
    public TcxAttachment Attach(BpfProgram program, TcAttachPoint attachPoint)
    {
        ArgumentNullException.ThrowIfNull(program);
        using var lease = new HandleLease(program.Owner);
        // A program of that name can be detached between the query and the swap (a racing detach): query again then.
        for (var attempt = 0; ; attempt++)
        {
            var ids = QueryProgramIds(attachPoint);
            if (ids.Contains(program.Id))
            {
                return new TcxAttachment(IfIndex, attachPoint, program.Id, null);
            }

            var old = Find(ids, program.Name);
            var rc = old is { } oldId ? Replace(program, attachPoint, oldId) : Add(program, attachPoint);
            if (rc == 0)
            {
                return new TcxAttachment(IfIndex, attachPoint, program.Id, old);
            }

            if (rc != -BpfErrors.ENOENT || attempt == 2)
            {
                throw new BpfException($"bpf_prog_attach({program.Name}, ifindex {IfIndex} tcx {Describe(attachPoint)}{(old is null ? "" : $", replacing id {old}")})", -rc);
            }
        }
    }

    /// <summary>Detaches the program with id <paramref name="programId"/>; false when it is not at the hook.</summary>
    public bool Detach(TcAttachPoint attachPoint, uint programId)
    {
        var fd = Libbpf.ProgramGetFdById(programId);
        if (fd == -BpfErrors.ENOENT)
        {
            return false;
        }

        BpfErrors.Check(fd, $"bpf_prog_get_fd_by_id({programId})");
        try
        {
            var rc = Libbpf.ProgramDetach(fd, IfIndex, AttachType(attachPoint));
            return rc == 0 || (rc == -BpfErrors.ENOENT ? false : throw new BpfException($"bpf_prog_detach(id {programId}, ifindex {IfIndex} tcx {Describe(attachPoint)})", -rc));
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    /// <summary>The name the kernel keeps for the loaded program with id <paramref name="id"/> (at most 15 bytes), or null when there is no such program any more.</summary>
    public static string? ProgramName(uint id)
    {
        var fd = Libbpf.ProgramGetFdById(id);
        if (fd == -BpfErrors.ENOENT)
        {
            return null;
        }

        BpfErrors.Check(fd, $"bpf_prog_get_fd_by_id({id})");
        try
        {
            Libbpf.ProgramInfo info = default;
            var length = (uint)sizeof(Libbpf.ProgramInfo);
            BpfErrors.Check(Libbpf.ObjGetInfoByFd(fd, &info, &length), $"bpf_obj_get_info_by_fd(program {id})");
            return BpfErrors.FixedString(info.Name, 16);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    /// <summary>A program name as the kernel keeps it: its first 15 bytes of UTF-8.</summary>
    public static string KernelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = System.Text.Encoding.UTF8.GetBytes(name);
        return bytes.Length <= KernelNameLength ? name : System.Text.Encoding.UTF8.GetString(bytes, 0, KernelNameLength);
    }

    // The first of `ids` whose kernel name is `name`'s.
    private static uint? Find(IReadOnlyList<uint> ids, string name)
    {
        var kernelName = KernelName(name);
        foreach (var id in ids)
        {
            if (ProgramName(id) == kernelName)
            {
                return id;
            }
        }

        return null;
    }

    private int Add(BpfProgram program, TcAttachPoint attachPoint)
    {
        var options = new Libbpf.ProgramAttachOptions { Size = (nuint)sizeof(Libbpf.ProgramAttachOptions) };
        return Libbpf.ProgramAttach(program.Fd, IfIndex, AttachType(attachPoint), &options);
    }

    private int Replace(BpfProgram program, TcAttachPoint attachPoint, uint oldId)
    {
        var oldFd = Libbpf.ProgramGetFdById(oldId);
        if (oldFd < 0)
        {
            return oldFd;
        }

        try
        {
            var options = new Libbpf.ProgramAttachOptions
            {
                Size = (nuint)sizeof(Libbpf.ProgramAttachOptions),
                Flags = Libbpf.AttachFlagReplace,
                ReplaceProgramFd = oldFd,
            };
            return Libbpf.ProgramAttach(program.Fd, IfIndex, AttachType(attachPoint), &options);
        }
        finally
        {
            Libc.Close(oldFd);
        }
    }

    private static int AttachType(TcAttachPoint attachPoint) => attachPoint switch
    {
        TcAttachPoint.Ingress => Libbpf.AttachTcxIngress,
        TcAttachPoint.Egress => Libbpf.AttachTcxEgress,
        _ => throw new ArgumentOutOfRangeException(nameof(attachPoint), attachPoint, "ingress or egress"),
    };

    private static string Describe(TcAttachPoint attachPoint) => attachPoint == TcAttachPoint.Ingress ? "ingress" : "egress";

    private static bool Probe()
    {
        // The loopback device is ifindex 1 in every namespace; a kernel without tcx rejects the attach type with EINVAL.
        var options = new Libbpf.ProgramQueryOptions { Size = (nuint)sizeof(Libbpf.ProgramQueryOptions) };
        return Libbpf.ProgramQuery(1, Libbpf.AttachTcxIngress, &options) == 0;
    }
}
