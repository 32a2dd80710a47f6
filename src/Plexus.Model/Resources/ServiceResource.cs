namespace Plexus.Model;

/// <summary>A <c>v1</c> Service.</summary>
public sealed record ServiceResource : Resource
{
    internal ServiceResource(ObjectMeta metadata, string json, ServiceSpec spec, ServiceStatus status)
        : base(ResourceKind.Service, metadata, json)
    {
        Spec = spec;
        Status = status;
    }

    /// <summary>The spec.</summary>
    public ServiceSpec Spec { get; }

    /// <summary>The status (load-balancer addresses).</summary>
    public ServiceStatus Status { get; }
}
