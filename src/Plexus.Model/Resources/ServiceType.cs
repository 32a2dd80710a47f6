namespace Plexus.Model;

/// <summary>How a Service is exposed (ExternalName is not supported).</summary>
public enum ServiceType
{
    /// <summary>A virtual IP inside the cluster.</summary>
    ClusterIP,

    /// <summary>ClusterIP plus a port on every node.</summary>
    NodePort,

    /// <summary>NodePort plus an external load-balancer address.</summary>
    LoadBalancer,
}
