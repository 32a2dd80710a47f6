using Plexus.Interop.Bpf;

namespace Plexus.Datapath.Node;

/// <summary>
/// Where the node's programs run: on the device's tcx hooks when the kernel has them (6.6 and later, as Cilium does),
/// otherwise as direct-action filters on a clsact qdisc. tcx runs a program without the qdisc and classifier layers,
/// which is several microseconds less per connection (see docs/benchmarks.md).
/// </summary>
/// <remarks>Calls act in the network namespace of the calling thread, like <see cref="TcHook"/> and <see cref="TcxHook"/>.</remarks>
public static class ProgramHooks
{
    /// <summary>"tcx" or "tc": how this kernel's programs are attached.</summary>
    public static string Mode => TcxHook.IsSupported ? "tcx" : "tc";

    /// <summary>
    /// Attaches <paramref name="program"/> to a device's hook, atomically in the place of the program of the same name
    /// (an agent restart). With tcx, a clsact filter of an agent from before tcx at that hook is removed afterwards,
    /// so a packet is not processed twice.
    /// </summary>
    /// <returns>The kernel id of the attached program.</returns>
    public static uint Attach(int ifIndex, BpfProgram program, TcAttachPoint attachPoint)
    {
        ArgumentNullException.ThrowIfNull(program);
        var tc = new TcHook(ifIndex);
        if (!TcxHook.IsSupported)
        {
            tc.EnsureClsact();
            return tc.Attach(program, attachPoint).ProgramId;
        }

        var attached = new TcxHook(ifIndex).Attach(program, attachPoint);
        if (tc.QueryProgramId(attachPoint) is not null)
        {
            tc.Detach(attachPoint);
        }

        return attached.ProgramId;
    }

    /// <summary>The id of the program named <paramref name="programName"/> at a device's hook, or null when it is not attached.</summary>
    public static uint? Query(int ifIndex, string programName, TcAttachPoint attachPoint) =>
        TcxHook.IsSupported
            ? new TcxHook(ifIndex).FindProgram(attachPoint, programName)
            : new TcHook(ifIndex).QueryProgramId(attachPoint);
}
