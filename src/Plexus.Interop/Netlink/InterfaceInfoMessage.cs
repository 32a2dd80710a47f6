using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary><c>struct ifinfomsg</c>: fixed header of RTM_*LINK messages.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct InterfaceInfoMessage
{
    /// <summary>ifi_family: AF_UNSPEC for link messages.</summary>
    public byte Family;

    /// <summary>Padding (__ifi_pad).</summary>
    public byte Pad;

    /// <summary>ifi_type: ARPHRD_* device type.</summary>
    public ushort DeviceType;

    /// <summary>ifi_index: interface index, 0 to select by IFLA_IFNAME.</summary>
    public int Index;

    /// <summary>ifi_flags: IFF_* device flags.</summary>
    public uint Flags;

    /// <summary>ifi_change: mask of the IFF_* flags this request changes.</summary>
    public uint Change;
}
