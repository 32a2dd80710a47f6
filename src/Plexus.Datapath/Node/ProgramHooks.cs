using Plexus.Interop.Bpf;

namespace Plexus.Datapath.Node;

/// <summary>
/// Where the node's programs run. On the node's own devices (the overlay and the underlay, set up once) they go on tcx
/// hooks when the kernel has them (6.6 and later, as Cilium does), which run a program without the qdisc and classifier
/// layers of clsact. On endpoint veths they go on clsact: a device's first tcx program costs an RCU grace period
/// (6–10 ms here, 0.5–1.5 ms for a clsact qdisc and filter), paid by every pod create.
/// </summary>
/// <remarks>Calls act in the network namespace of the calling thread, like <see cref="TcHook"/> and <see cref="TcxHook"/>.</remarks>
public static class ProgramHooks
{
    /// <summary>
    /// Attaches <paramref name="program"/> to a node device's hook: on tcx when the kernel has it, atomically in the place
    /// of the program of the same name (an agent restart), then removes a clsact filter an agent from before tcx left
    /// there (it would no longer run, but would be reported); otherwise as a clsact filter.
    /// </summary>
    /// <returns>The kernel id of the attached program.</returns>
    public static uint AttachToNodeDevice(int ifIndex, BpfProgram program, TcAttachPoint attachPoint)
    {
        ArgumentNullException.ThrowIfNull(program);
        var tc = new TcHook(ifIndex);
        if (!TcxHook.IsSupported)
        {
            return AttachToClsact(tc, program, attachPoint);
        }

        var attached = new TcxHook(ifIndex).Attach(program, attachPoint);
        if (tc.QueryProgramId(attachPoint) is not null)
        {
            tc.Detach(attachPoint);
        }

        return attached.ProgramId;
    }

    /// <summary>Attaches <paramref name="program"/> to an endpoint veth's hook as a clsact filter (replacing the one there).</summary>
    /// <returns>The kernel id of the attached program.</returns>
    public static uint AttachToEndpoint(int ifIndex, BpfProgram program, TcAttachPoint attachPoint)
    {
        ArgumentNullException.ThrowIfNull(program);
        return AttachToClsact(new TcHook(ifIndex), program, attachPoint);
    }

    /// <summary>
    /// Where the program named <paramref name="programName"/> runs at a device's hook: its id and "tcx" or "tc"; null when
    /// it is not attached. A tcx program runs before (and, returning a verdict, instead of) the clsact filters.
    /// </summary>
    public static (uint Id, string Attach)? Query(int ifIndex, string programName, TcAttachPoint attachPoint)
    {
        if (TcxHook.IsSupported && new TcxHook(ifIndex).FindProgram(attachPoint, programName) is { } id)
        {
            return (id, "tcx");
        }

        return new TcHook(ifIndex).QueryProgramId(attachPoint) is { } filter ? (filter, "tc") : null;
    }

    private static uint AttachToClsact(TcHook hook, BpfProgram program, TcAttachPoint attachPoint)
    {
        hook.EnsureClsact();
        return hook.Attach(program, attachPoint).ProgramId;
    }
}
