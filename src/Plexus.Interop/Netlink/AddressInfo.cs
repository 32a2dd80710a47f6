using System.Net;

namespace Plexus.Interop.Netlink;

/// <summary>An IP address assigned to a device, as reported by RTM_GETADDR.</summary>
public sealed record AddressInfo
{
    /// <summary>The ifindex of the device holding the address.</summary>
    public required int LinkIndex { get; init; }

    /// <summary>The local address.</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The prefix length of the on-link subnet.</summary>
    public required int PrefixLength { get; init; }

    /// <summary>The address scope (host for 127.0.0.1, link for fe80::/10…).</summary>
    public RouteScope Scope { get; init; }

    /// <summary>The IFA_F_* flags (permanent, nodad, tentative…).</summary>
    public uint Flags { get; init; }
}
