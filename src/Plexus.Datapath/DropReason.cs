namespace Plexus.Datapath;

/// <summary>Drop reasons the datapath reports (Cilium's numbering; bpf/lib/common.h).</summary>
public enum DropReason : byte
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>Source address not owned by the sending endpoint.</summary>
    InvalidSourceIp = 132,

    /// <summary>No allow rule.</summary>
    PolicyDenied = 133,

    /// <summary>Malformed packet.</summary>
    InvalidPacket = 134,

    /// <summary>Truncated or invalid L4 header.</summary>
    CtTruncatedOrInvalidHeader = 135,

    /// <summary>Neither IPv4 nor ARP.</summary>
    UnsupportedL3Protocol = 139,

    /// <summary>Writing to the packet failed.</summary>
    WriteError = 141,

    /// <summary>Unknown L4 protocol.</summary>
    UnknownL4Protocol = 142,

    /// <summary>No tunnel key on an overlay packet.</summary>
    NoTunnelKey = 147,

    /// <summary>No local endpoint for the destination.</summary>
    NoLocalEndpoint = 152,

    /// <summary>L3 checksum fix failed.</summary>
    L3ChecksumError = 153,

    /// <summary>L4 checksum fix failed.</summary>
    L4ChecksumError = 154,

    /// <summary>Conntrack map full.</summary>
    CtMapInsertionFailed = 155,

    /// <summary>IP fragmentation not supported.</summary>
    FragmentationNotSupported = 157,

    /// <summary>No backend for a service.</summary>
    ServiceBackendNotFound = 158,

    /// <summary>No tunnel endpoint for a destination routed into the overlay.</summary>
    NoTunnelEndpoint = 160,

    /// <summary>No free masquerade port.</summary>
    NatNoMapping = 167,

    /// <summary>Protocol cannot be masqueraded.</summary>
    NatUnsupportedProtocol = 168,

    /// <summary>FIB lookup failed.</summary>
    FibLookupFailed = 169,

    /// <summary>Invalid identity.</summary>
    InvalidIdentity = 171,

    /// <summary>Unknown sender.</summary>
    UnknownSender = 172,

    /// <summary>Explicit deny rule.</summary>
    PolicyDeny = 181,

    /// <summary>TTL would reach zero.</summary>
    TtlExceeded = 196,
}
