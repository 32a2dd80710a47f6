namespace Plexus.Interop.Bpf;

/// <summary>A program as attached by <see cref="TcxHook.Attach"/>.</summary>
/// <param name="IfIndex">The device, in the network namespace of the thread that attached it.</param>
/// <param name="AttachPoint">Ingress or egress.</param>
/// <param name="ProgramId">The kernel id of the attached program.</param>
/// <param name="ReplacedProgramId">The id of the program of the same name it took the place of; null when it was added (or already there).</param>
public readonly record struct TcxAttachment(int IfIndex, TcAttachPoint AttachPoint, uint ProgramId, uint? ReplacedProgramId);
