namespace Plexus.Datapath;

/// <summary>Observation points (Hubble trace points; bpf/lib/common.h).</summary>
public enum TracePoint : byte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>To the node's stack as host traffic.</summary>
    ToHost = 2,

    /// <summary>Up the node's stack.</summary>
    ToStack = 3,

    /// <summary>Into the VXLAN tunnel.</summary>
    ToOverlay = 4,

    /// <summary>Leaving an endpoint.</summary>
    FromEndpoint = 5,

    /// <summary>From the node's stack.</summary>
    FromStack = 8,

    /// <summary>Out of the VXLAN tunnel.</summary>
    FromOverlay = 9,

    /// <summary>From the underlay network.</summary>
    FromNetwork = 10,

    /// <summary>To the underlay network.</summary>
    ToNetwork = 11,

    /// <summary>Into an endpoint.</summary>
    ToEndpoint = 101,
}
