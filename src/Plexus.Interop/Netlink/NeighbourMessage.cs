using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary><c>struct ndmsg</c>: fixed header of RTM_*NEIGH messages.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NeighbourMessage
{
    /// <summary>ndm_family: AF_INET, AF_INET6 (or AF_BRIDGE for FDB entries).</summary>
    public byte Family;

    /// <summary>Padding (ndm_pad1).</summary>
    public byte Pad1;

    /// <summary>Padding (ndm_pad2).</summary>
    public ushort Pad2;

    /// <summary>ndm_ifindex: interface the entry belongs to.</summary>
    public int Index;

    /// <summary>ndm_state: NUD_* state bits.</summary>
    public ushort State;

    /// <summary>ndm_flags: NTF_* flags.</summary>
    public byte Flags;

    /// <summary>ndm_type: RTN_* type of the entry.</summary>
    public byte Type;
}
