namespace Plexus.Agent.Api;

/// <summary>One attached program: where, whether the kernel reports it attached, and how ("tcx" hook or "tc" clsact filter; null when not attached).</summary>
public sealed record ProgramView(string Program, string Device, string Hook, bool Attached, uint ProgramId, string? Attach);
