using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;

namespace Plexus.Interop.Netlink;

/// <summary>One <c>nlattr</c> read from a message: its type (flags masked off) and payload.</summary>
public readonly ref struct NetlinkAttribute
{
    private const ushort TypeMask = 0x3fff;

    /// <summary>An attribute with the raw <paramref name="type"/> field (flags included) and <paramref name="payload"/>.</summary>
    public NetlinkAttribute(ushort type, ReadOnlySpan<byte> payload)
    {
        RawType = type;
        Payload = payload;
    }

    /// <summary>nla_type including the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits.</summary>
    public ushort RawType { get; }

    /// <summary>The attribute type without flag bits.</summary>
    public ushort Type => (ushort)(RawType & TypeMask);

    /// <summary>Whether the sender set NLA_F_NESTED (rtnetlink often nests without it).</summary>
    public bool IsNested => (RawType & NetlinkAttributeWriter.NestedFlag) != 0;

    /// <summary>The payload, without the header and without padding.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The payload as u8.</summary>
    public byte GetByte() => Payload[0];

    /// <summary>The payload as u16 in host byte order.</summary>
    public ushort GetUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Payload);

    /// <summary>The payload as be16 (network byte order).</summary>
    public ushort GetUInt16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Payload);

    /// <summary>The payload as u32 in host byte order.</summary>
    public uint GetUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Payload);

    /// <summary>The payload as a string, up to the first NUL.</summary>
    public string GetString()
    {
        var end = Payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? Payload : Payload[..end]);
    }

    /// <summary>The payload as an IPv4 or IPv6 address.</summary>
    public IPAddress GetAddress() => Payload.Length is 4 or 16
        ? new IPAddress(Payload)
        : throw new InvalidDataException($"attribute {Type} holds {Payload.Length} bytes, not an IP address");

    /// <summary>The payload as a link-layer (MAC) address.</summary>
    public PhysicalAddress GetMac() => new(Payload.ToArray());

    /// <summary>A reader over the attributes nested in this one.</summary>
    public NetlinkAttributeReader GetNested() => new(Payload);
}
