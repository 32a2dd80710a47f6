using System.Net;

namespace Plexus.Model;

/// <summary>A host outside the mesh, reachable over the lab fabric (e.g. the "internet").</summary>
public sealed record LabExternal(string Name, IPAddress Address, IReadOnlyList<LabPort> Serve);
