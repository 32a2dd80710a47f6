namespace Plexus.Interop.Netlink;

/// <summary>Neighbour cache entry state bits (<c>NUD_*</c>).</summary>
[Flags]
public enum NeighbourState : ushort
{
    /// <summary>NUD_NONE.</summary>
    None = 0,

    /// <summary>NUD_INCOMPLETE: resolution in progress.</summary>
    Incomplete = 0x01,

    /// <summary>NUD_REACHABLE: confirmed reachable.</summary>
    Reachable = 0x02,

    /// <summary>NUD_STALE: valid but unconfirmed.</summary>
    Stale = 0x04,

    /// <summary>NUD_DELAY: waiting before probing.</summary>
    Delay = 0x08,

    /// <summary>NUD_PROBE: probing.</summary>
    Probe = 0x10,

    /// <summary>NUD_FAILED: resolution failed.</summary>
    Failed = 0x20,

    /// <summary>NUD_NOARP: no resolution needed.</summary>
    NoArp = 0x40,

    /// <summary>NUD_PERMANENT: static, never expires.</summary>
    Permanent = 0x80,
}
