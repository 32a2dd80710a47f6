using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct ipcache_info</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IpCacheInfo
{
    /// <summary>Identity of the address or prefix.</summary>
    public uint Identity;

    /// <summary>IPv4 of the hosting node (network order); 0 = local or not tunnelled.</summary>
    public uint TunnelEndpoint;

    /// <summary><see cref="DatapathConstants.IpCacheLocalNode"/>.</summary>
    public byte Flags;

    private byte _pad0;
    private byte _pad1;
    private byte _pad2;
}
