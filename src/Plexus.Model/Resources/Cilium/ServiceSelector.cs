namespace Plexus.Model;

/// <summary>A <c>toServices</c> entry: a Service by name (<c>k8sService</c>) or by labels (<c>k8sServiceSelector</c>).</summary>
public sealed record ServiceSelector
{
    /// <summary>Service name (<c>k8sService.serviceName</c>).</summary>
    public string? ServiceName { get; init; }

    /// <summary>Service labels (<c>k8sServiceSelector.selector</c>).</summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>Namespace of the Service(s); null = the policy's namespace (or any, for a selector in a clusterwide policy).</summary>
    public string? Namespace { get; init; }
}
