namespace Plexus.Agent.ControlPlane.Ipam;

/// <summary>How an address allocation ended.</summary>
public enum AddressAllocationStatus
{
    /// <summary>A free address was allocated just now.</summary>
    Allocated,

    /// <summary>The owner already held an address (a retried request): that address is returned.</summary>
    Existing,

    /// <summary>Every pod address of the block is allocated.</summary>
    Exhausted,
}
