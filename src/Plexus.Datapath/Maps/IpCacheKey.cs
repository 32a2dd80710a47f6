using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct ipcache_key</c>: LPM key (prefix length counts the family and padding: 32 + address bits).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IpCacheKey
{
    /// <summary>32 + prefix length of <see cref="Ip"/>.</summary>
    public uint PrefixLength;

    /// <summary>4 or 6.</summary>
    public byte Family;

    private byte _pad0;
    private byte _pad1;
    private byte _pad2;

    /// <summary>Prefix address (network order).</summary>
    public Addr16 Ip;
}
