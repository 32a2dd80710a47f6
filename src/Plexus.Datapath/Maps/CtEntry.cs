using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct ct_entry</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct CtEntry
{
    /// <summary>Packets in both directions.</summary>
    public ulong Packets;

    /// <summary>Bytes in both directions.</summary>
    public ulong Bytes;

    /// <summary>Expiry, seconds since boot.</summary>
    public uint Lifetime;

    /// <summary>Identity of the opener.</summary>
    public uint SourceIdentity;

    /// <summary>Service id whose frontend replies are rewritten to (0: none).</summary>
    public ushort RevNat;

    /// <summary>Union of TCP flags seen.</summary>
    public byte TcpFlags;

    /// <summary>CT_F_* flags.</summary>
    public byte Flags;

    /// <summary>Service connections: the backend chosen when the connection opened (0: none).</summary>
    public uint BackendId;
}
