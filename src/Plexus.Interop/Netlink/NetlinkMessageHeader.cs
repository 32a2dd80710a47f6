using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary><c>struct nlmsghdr</c>: the 16-byte header in front of every netlink message.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NetlinkMessageHeader
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 16;

    /// <summary>nlmsg_len: length of the message including this header.</summary>
    public uint Length;

    /// <summary>nlmsg_type: message type (NLMSG_* or a family-specific type such as RTM_NEWLINK).</summary>
    public ushort Type;

    /// <summary>nlmsg_flags: <see cref="NetlinkMessageFlags"/>.</summary>
    public NetlinkMessageFlags Flags;

    /// <summary>nlmsg_seq: sequence number that pairs replies with their request.</summary>
    public uint Sequence;

    /// <summary>nlmsg_pid: port id of the sending socket (0 for the kernel).</summary>
    public uint PortId;
}
