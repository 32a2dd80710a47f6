using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary><c>struct ifaddrmsg</c>: fixed header of RTM_*ADDR messages.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct InterfaceAddressMessage
{
    /// <summary>ifa_family: AF_INET or AF_INET6.</summary>
    public byte Family;

    /// <summary>ifa_prefixlen: prefix length of the address.</summary>
    public byte PrefixLength;

    /// <summary>ifa_flags: IFA_F_* flags (low 8 bits; IFA_FLAGS carries all 32).</summary>
    public byte Flags;

    /// <summary>ifa_scope: RT_SCOPE_* scope of the address.</summary>
    public byte Scope;

    /// <summary>ifa_index: index of the interface the address is on.</summary>
    public int Index;
}
