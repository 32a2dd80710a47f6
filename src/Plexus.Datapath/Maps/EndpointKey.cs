using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct endpoint_key</c>: a local endpoint's address.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct EndpointKey
{
    /// <summary>Address (network order).</summary>
    public Addr16 Ip;

    /// <summary>4 or 6.</summary>
    public byte Family;

    private byte _pad0;
    private byte _pad1;
    private byte _pad2;
}
