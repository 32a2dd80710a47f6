namespace Plexus.Agent.Api;

/// <summary>One attached program: where, and whether the kernel reports it attached.</summary>
public sealed record ProgramView(string Program, string Device, string Hook, bool Attached, uint ProgramId);
