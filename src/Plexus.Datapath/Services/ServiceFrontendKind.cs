namespace Plexus.Datapath.Services;

/// <summary>Kinds of frontend.</summary>
public enum ServiceFrontendKind
{
    /// <summary>The cluster-internal virtual IP.</summary>
    ClusterIP,

    /// <summary>A node port, served on every node address.</summary>
    NodePort,

    /// <summary>An address from the load-balancer pool.</summary>
    LoadBalancer,

    /// <summary>An address from <c>spec.externalIPs</c>.</summary>
    ExternalIP,
}
