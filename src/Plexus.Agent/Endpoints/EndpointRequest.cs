namespace Plexus.Agent.Endpoints;

/// <summary>Body of <c>POST /v1/endpoints</c>: a pod to connect, with the namespace handle the runtime made for it.</summary>
public sealed record EndpointRequest
{
    /// <summary>Kubernetes namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Pod name.</summary>
    public string? Pod { get; init; }

    /// <summary>Pod labels.</summary>
    public Dictionary<string, string>? Labels { get; init; }

    /// <summary>Labels of the pod's namespace (part of its identity).</summary>
    public Dictionary<string, string>? NamespaceLabels { get; init; }

    /// <summary>Path of the pod's network namespace, e.g. <c>/run/netns/…</c>.</summary>
    public string? Netns { get; init; }

    /// <summary>Ports the pod declares (for named-port policies and services).</summary>
    public List<EndpointPort>? Ports { get; init; }
}
