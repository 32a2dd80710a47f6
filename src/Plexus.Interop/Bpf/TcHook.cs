using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>The clsact qdisc of one device and the direct-action BPF filters on its ingress and egress hooks (libbpf's bpf_tc_* API).</summary>
/// <remarks>
/// Every call opens its own rtnetlink socket, so it acts in the network namespace of the calling thread: to manage a
/// device in another namespace, switch the thread into it first and pass that namespace's ifindex.
/// </remarks>
public sealed unsafe class TcHook
{
    // BPF_TC_INGRESS | BPF_TC_EGRESS: the whole clsact qdisc.
    private const int BothHooks = 3;

    /// <summary>A hook for device <paramref name="ifIndex"/>.</summary>
    public TcHook(int ifIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        IfIndex = ifIndex;
    }

    /// <summary>The device's interface index.</summary>
    public int IfIndex { get; }

    /// <summary>Adds the clsact qdisc if missing; true when it was created, false when it already existed.</summary>
    public bool EnsureClsact()
    {
        var hook = Hook(BothHooks);
        using var log = LibbpfLog.Capture();
        var rc = Libbpf.TcHookCreate(&hook);
        return rc == 0 || (rc == -BpfErrors.EEXIST ? false : throw new BpfException($"bpf_tc_hook_create(ifindex {IfIndex})", -rc, log.Text));
    }

    /// <summary>Deletes the clsact qdisc with every filter on it; false when there was none.</summary>
    public bool DestroyClsact()
    {
        var hook = Hook(BothHooks);
        using var log = LibbpfLog.Capture();
        var rc = Libbpf.TcHookDestroy(&hook);
        // The kernel answers a missing clsact with EINVAL ("Cannot find specified qdisc") or ENOENT, depending on version.
        return rc == 0 || (rc is -BpfErrors.ENOENT or -BpfErrors.EINVAL ? false : throw new BpfException($"bpf_tc_hook_destroy(ifindex {IfIndex})", -rc, log.Text));
    }

    /// <summary>Attaches <paramref name="program"/> at handle/priority; with <paramref name="replace"/> an existing filter there is swapped atomically (restart-safe), otherwise it fails with EEXIST.</summary>
    /// <exception cref="BpfException">EEXIST without replace; EINVAL/ENOENT when the clsact qdisc is missing (call <see cref="EnsureClsact"/>).</exception>
    public TcAttachment Attach(BpfProgram program, TcAttachPoint attachPoint, uint handle = 1, ushort priority = 1, bool replace = true)
    {
        ArgumentNullException.ThrowIfNull(program);
        var hook = Hook(attachPoint);
        var options = Options(handle, priority);
        options.Flags = replace ? Libbpf.TcFlagReplace : 0;
        using var lease = new HandleLease(program.Owner);
        options.ProgramFd = program.Fd;
        using var log = LibbpfLog.Capture();
        var rc = Libbpf.TcAttach(&hook, &options);
        if (rc < 0)
        {
            throw new BpfException($"bpf_tc_attach({program.Name}, ifindex {IfIndex} {attachPoint} {handle}:{priority})", -rc, log.Text);
        }

        return new TcAttachment(IfIndex, attachPoint, options.Handle, (ushort)options.Priority, options.ProgramId);
    }

    /// <summary>Removes the filter at handle/priority; false when there was none.</summary>
    public bool Detach(TcAttachPoint attachPoint, uint handle = 1, ushort priority = 1)
    {
        var hook = Hook(attachPoint);
        var options = Options(handle, priority);
        using var log = LibbpfLog.Capture();
        var rc = Libbpf.TcDetach(&hook, &options);
        return rc == 0 || (rc == -BpfErrors.ENOENT ? false : throw new BpfException($"bpf_tc_detach(ifindex {IfIndex} {attachPoint} {handle}:{priority})", -rc, log.Text));
    }

    /// <summary>The id of the program attached at handle/priority, or null when there is no such filter (or no clsact).</summary>
    public uint? QueryProgramId(TcAttachPoint attachPoint, uint handle = 1, ushort priority = 1)
    {
        var hook = Hook(attachPoint);
        var options = Options(handle, priority);
        using var log = LibbpfLog.Capture();
        var rc = Libbpf.TcQuery(&hook, &options);
        if (rc is -BpfErrors.ENOENT or -BpfErrors.EINVAL)
        {
            return null;
        }

        return rc == 0 ? options.ProgramId : throw new BpfException($"bpf_tc_query(ifindex {IfIndex} {attachPoint} {handle}:{priority})", -rc, log.Text);
    }

    private Libbpf.TcHookOptions Hook(TcAttachPoint attachPoint) => Hook((int)attachPoint);

    private Libbpf.TcHookOptions Hook(int attachPoints) => new()
    {
        Size = (nuint)sizeof(Libbpf.TcHookOptions),
        IfIndex = IfIndex,
        AttachPoint = attachPoints,
    };

    private static Libbpf.TcOptions Options(uint handle, ushort priority)
    {
        ArgumentOutOfRangeException.ThrowIfZero(handle);
        ArgumentOutOfRangeException.ThrowIfZero(priority);
        return new Libbpf.TcOptions { Size = (nuint)sizeof(Libbpf.TcOptions), Handle = handle, Priority = priority };
    }
}
