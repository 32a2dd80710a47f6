using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct nat_entry</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NatEntry
{
    /// <summary>Address written into the packet.</summary>
    public Addr16 Address;

    /// <summary>Port written into the packet (network order).</summary>
    public ushort Port;

    private ushort _pad;

    /// <summary>Creation time, seconds since boot.</summary>
    public uint Created;
}
