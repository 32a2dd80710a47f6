namespace Plexus.Agent.ControlPlane.Identity;

/// <summary>How an identity acquisition ended.</summary>
public enum IdentityAllocationStatus
{
    /// <summary>The labels had no identity: this node created it (CAS on the id and labels keys).</summary>
    Created,

    /// <summary>The labels already had an identity in the store; this node now references it.</summary>
    Found,

    /// <summary>This node already held the identity; its local reference count went up.</summary>
    Held,

    /// <summary>The labels name a reserved identity (0–8); nothing was written.</summary>
    Reserved,

    /// <summary>Every number of the cluster's range is in use.</summary>
    Exhausted,

    /// <summary>The lease passed in no longer exists; acquire again with the node's new lease.</summary>
    LeaseNotFound,
}
