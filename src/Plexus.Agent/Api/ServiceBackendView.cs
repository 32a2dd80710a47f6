namespace Plexus.Agent.Api;

/// <summary>One backend of a frontend in <c>GET /v1/services</c>.</summary>
/// <param name="Address">The pod address.</param>
/// <param name="Port">The target port.</param>
/// <param name="Pod">The pod, <c>namespace/name</c>.</param>
/// <param name="Node">The pod's node.</param>
/// <param name="Weight">Maglev weight.</param>
/// <param name="BackendId">The datapath's id of the backend.</param>
/// <param name="Connections">Connections this node has open to the backend through the frontend.</param>
public sealed record ServiceBackendView(string Address, int Port, string? Pod, string? Node, int Weight, int BackendId, long Connections);
