namespace Plexus.Interop.Bpf;

/// <summary>A tc filter as attached by <see cref="TcHook.Attach"/>: where it sits and which program runs there.</summary>
/// <param name="IfIndex">The device, in the network namespace of the thread that attached it.</param>
/// <param name="AttachPoint">Ingress or egress.</param>
/// <param name="Handle">The filter handle.</param>
/// <param name="Priority">The filter priority (lower runs first).</param>
/// <param name="ProgramId">The kernel id of the attached program.</param>
public readonly record struct TcAttachment(int IfIndex, TcAttachPoint AttachPoint, uint Handle, ushort Priority, uint ProgramId);
