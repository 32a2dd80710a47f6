using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary><c>struct rtmsg</c>: fixed header of RTM_*ROUTE messages.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RouteMessage
{
    /// <summary>rtm_family: AF_INET or AF_INET6.</summary>
    public byte Family;

    /// <summary>rtm_dst_len: prefix length of the destination.</summary>
    public byte DestinationLength;

    /// <summary>rtm_src_len: prefix length of the source selector.</summary>
    public byte SourceLength;

    /// <summary>rtm_tos: TOS selector.</summary>
    public byte Tos;

    /// <summary>rtm_table: routing table id below 256 (RTA_TABLE carries larger ids).</summary>
    public byte Table;

    /// <summary>rtm_protocol: RTPROT_* origin of the route.</summary>
    public byte Protocol;

    /// <summary>rtm_scope: RT_SCOPE_* distance to the destination.</summary>
    public byte Scope;

    /// <summary>rtm_type: RTN_* route type.</summary>
    public byte Type;

    /// <summary>rtm_flags: RTM_F_* and RTNH_F_* flags.</summary>
    public uint Flags;
}
