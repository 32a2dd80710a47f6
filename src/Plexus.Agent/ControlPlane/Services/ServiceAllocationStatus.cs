namespace Plexus.Agent.ControlPlane.Services;

/// <summary>How a service address or node port allocation ended.</summary>
public enum ServiceAllocationStatus
{
    /// <summary>A free value was allocated just now.</summary>
    Allocated,

    /// <summary>The explicitly requested value was free and is now held by the Service.</summary>
    Claimed,

    /// <summary>The Service already held the value (a retried or repeated request, or a racing agent won): that value is returned.</summary>
    Existing,

    /// <summary><c>clusterIP: None</c>: a headless Service gets no address.</summary>
    Headless,

    /// <summary>The requested value is held by another Service.</summary>
    Conflict,

    /// <summary>The requested value is outside the configured range or pools.</summary>
    OutOfRange,

    /// <summary>The requested value is not an address or port at all.</summary>
    Invalid,

    /// <summary>Every value of the range or pools is held.</summary>
    Exhausted,
}
