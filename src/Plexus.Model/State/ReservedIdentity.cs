namespace Plexus.Model.State;

/// <summary>The reserved identities 0–8 (numbering as Cilium's, REFERENCE.md "Identities").</summary>
public enum ReservedIdentity : uint
{
    /// <summary>No identity known.</summary>
    Unknown = 0,

    /// <summary>The local host.</summary>
    Host = 1,

    /// <summary>Everything outside the cluster.</summary>
    World = 2,

    /// <summary>Pods not managed by Plexus.</summary>
    Unmanaged = 3,

    /// <summary>Health-check endpoints.</summary>
    Health = 4,

    /// <summary>Endpoints whose identity is not resolved yet.</summary>
    Init = 5,

    /// <summary>Other nodes of the cluster.</summary>
    RemoteNode = 6,

    /// <summary>The Kubernetes API server.</summary>
    KubeApiServer = 7,

    /// <summary>The ingress proxy.</summary>
    Ingress = 8,
}
