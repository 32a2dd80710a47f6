namespace Plexus.Agent.Api;

/// <summary>The local endpoint whose policy a trace looked up.</summary>
/// <param name="Id">Endpoint id (policy map key).</param>
/// <param name="Namespace">Pod namespace.</param>
/// <param name="Pod">Pod name.</param>
/// <param name="Ip">Pod address.</param>
/// <param name="Identity">Its identity.</param>
/// <param name="Labels">The identity's labels.</param>
public sealed record PolicyEndpointView(int Id, string Namespace, string Pod, string? Ip, uint Identity, IReadOnlyList<string> Labels);
