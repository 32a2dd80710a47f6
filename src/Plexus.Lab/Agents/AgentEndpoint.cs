namespace Plexus.Lab.Agents;

/// <summary>An endpoint as the agent's <c>/v1/endpoints</c> API shows it.</summary>
/// <param name="Id">The agent's endpoint id.</param>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Pod">The pod's name.</param>
/// <param name="Ip">The pod's address.</param>
/// <param name="Identity">The security identity of its labels.</param>
/// <param name="Interface">The host side of its veth (<c>lxc…</c>).</param>
/// <param name="State">Lifecycle state (<c>ready</c> once plumbed).</param>
/// <param name="Labels">The pod's labels.</param>
public sealed record AgentEndpoint(long Id, string Namespace, string Pod, string? Ip, long? Identity, string? Interface, string? State,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>A port a pod declares on its endpoint (named ports in policies and services refer to it).</summary>
public sealed record EndpointPort(int Port, string Protocol, string Name);

/// <summary>The body of <c>POST /v1/endpoints</c>: plumb the pod whose namespace is at <paramref name="Netns"/>.</summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Pod">The pod's name.</param>
/// <param name="Labels">The pod's labels.</param>
/// <param name="NamespaceLabels">The labels of its namespace.</param>
/// <param name="Netns">Path of the pod's network namespace (<c>/run/netns/…</c>).</param>
/// <param name="Ports">Declared ports.</param>
public sealed record EndpointRequest(
    string Namespace, string Pod, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> NamespaceLabels,
    string Netns, IReadOnlyList<EndpointPort> Ports);

/// <summary>The agent's answer to <c>POST /v1/endpoints</c>: the HTTP status, and the endpoint or the error text.</summary>
public sealed record EndpointResult(int Code, AgentEndpoint? Endpoint, string? Error);
