namespace Plexus.Agent.ControlPlane.Services;

/// <summary>Which service addresses a <see cref="ServiceIpAllocator"/> hands out.</summary>
public enum ServiceIpKind
{
    /// <summary>Virtual IPs from the service CIDR (<c>spec.clusterIP</c>).</summary>
    ClusterIP,

    /// <summary>External addresses from the load-balancer pools (<c>status.loadBalancer.ingress[].ip</c>).</summary>
    LoadBalancer,
}
