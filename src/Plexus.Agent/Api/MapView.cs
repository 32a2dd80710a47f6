namespace Plexus.Agent.Api;

/// <summary>Fill level of one map.</summary>
public sealed record MapView(string Name, int Entries, int MaxEntries);
