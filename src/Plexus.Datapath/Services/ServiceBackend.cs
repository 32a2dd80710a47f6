using System.Net;

namespace Plexus.Datapath.Services;

/// <summary>A backend: a pod address and its target port.</summary>
/// <param name="Address">The pod's address.</param>
/// <param name="Port">The resolved target port.</param>
/// <param name="Pod">The pod, <c>namespace/name</c> (for listings).</param>
/// <param name="Node">The pod's node (for listings).</param>
/// <param name="Weight">Maglev weight (1–100).</param>
public sealed record ServiceBackend(IPAddress Address, int Port, string? Pod = null, string? Node = null, int Weight = 1);
