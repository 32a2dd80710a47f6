namespace Plexus.Model;

/// <summary>A Cilium entity (<c>fromEntities</c>/<c>toEntities</c>).</summary>
public enum CiliumEntity
{
    /// <summary><c>all</c>: every peer, inside or outside the cluster.</summary>
    All,

    /// <summary><c>world</c>: everything outside the cluster (0.0.0.0/0 and ::/0).</summary>
    World,

    /// <summary><c>world-ipv4</c>.</summary>
    WorldIPv4,

    /// <summary><c>world-ipv6</c>.</summary>
    WorldIPv6,

    /// <summary><c>cluster</c>: every identity inside the local cluster.</summary>
    Cluster,

    /// <summary><c>host</c>: the local node.</summary>
    Host,

    /// <summary><c>remote-node</c>: other nodes of the cluster.</summary>
    RemoteNode,

    /// <summary><c>init</c>: endpoints whose identity is not resolved yet.</summary>
    Init,

    /// <summary><c>health</c>: health-check endpoints.</summary>
    Health,

    /// <summary><c>unmanaged</c>: pods not managed by Plexus.</summary>
    Unmanaged,

    /// <summary><c>kube-apiserver</c>.</summary>
    KubeApiserver,

    /// <summary><c>ingress</c>: the L7 ingress proxy.</summary>
    Ingress,
}
