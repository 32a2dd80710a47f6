using System.Buffers.Binary;
using System.Net;

namespace Plexus.Datapath.Tests.Support;

/// <summary>Builds and reads Ethernet/IPv4 test packets with correct checksums.</summary>
public static class Packet
{
    public const int EthernetLength = 14;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Icmp = 1;

    public static readonly byte[] PodMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
    public static readonly byte[] GatewayMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0xfe];

    /// <summary>A TCP segment with <paramref name="flags"/> (0x02 SYN, 0x10 ACK …) and an optional payload.</summary>
    public static byte[] TcpPacket(string src, ushort sport, string dst, ushort dport, byte flags = 0x02, int payload = 0, byte ttl = 64, uint seq = 1000, uint ack = 0)
    {
        var l4 = new byte[20 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(l4, sport);
        BinaryPrimitives.WriteUInt16BigEndian(l4.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(l4.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(l4.AsSpan(8), ack);
        l4[12] = 5 << 4;
        l4[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(l4.AsSpan(14), 65535);
        return Ipv4(src, dst, Tcp, l4, ttl, checksumAt: 16);
    }

    /// <summary>A UDP datagram.</summary>
    public static byte[] UdpPacket(string src, ushort sport, string dst, ushort dport, int payload = 8, byte ttl = 64)
    {
        var l4 = new byte[8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(l4, sport);
        BinaryPrimitives.WriteUInt16BigEndian(l4.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(l4.AsSpan(4), (ushort)l4.Length);
        return Ipv4(src, dst, Udp, l4, ttl, checksumAt: 6);
    }

    /// <summary>An ICMP echo request (type 8) or reply (type 0).</summary>
    public static byte[] IcmpEcho(string src, string dst, ushort id, bool reply = false, byte ttl = 64)
    {
        var l4 = new byte[16];
        l4[0] = reply ? (byte)0 : (byte)8;
        BinaryPrimitives.WriteUInt16BigEndian(l4.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(l4.AsSpan(6), 1);
        BinaryPrimitives.WriteUInt16BigEndian(l4.AsSpan(2), Checksum(l4, 0));
        return Ipv4(src, dst, Icmp, l4, ttl, checksumAt: -1);
    }

    /// <summary>An Ethernet frame carrying <paramref name="etherType"/> and <paramref name="payload"/> bytes of zeros.</summary>
    public static byte[] Ethernet(ushort etherType, int payload)
    {
        var frame = new byte[EthernetLength + payload];
        GatewayMac.CopyTo(frame, 0);
        PodMac.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        return frame;
    }

    private static byte[] Ipv4(string src, string dst, byte protocol, byte[] l4, byte ttl, int checksumAt)
    {
        var frame = new byte[EthernetLength + 20 + l4.Length];
        GatewayMac.CopyTo(frame, 0);
        PodMac.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        var ip = frame.AsSpan(EthernetLength, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + l4.Length));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 0x1234);
        ip[8] = ttl;
        ip[9] = protocol;
        IPAddress.Parse(src).TryWriteBytes(ip[12..], out _);
        IPAddress.Parse(dst).TryWriteBytes(ip[16..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip, 0));
        l4.CopyTo(frame, EthernetLength + 20);
        if (checksumAt >= 0)
        {
            var l4Span = frame.AsSpan(EthernetLength + 20);
            BinaryPrimitives.WriteUInt16BigEndian(l4Span[checksumAt..], PseudoChecksum(frame));
        }

        return frame;
    }

    /// <summary><paramref name="frame"/> with IPv4 identification <paramref name="id"/> and the header checksum recomputed.</summary>
    public static byte[] WithIpId(byte[] frame, ushort id)
    {
        var copy = (byte[])frame.Clone();
        var ip = copy.AsSpan(EthernetLength, 20);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip, 0));
        return copy;
    }

    /// <summary>Internet checksum (RFC 1071) over <paramref name="data"/>, starting from <paramref name="initial"/>.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial)
    {
        var sum = initial;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (data.Length % 2 == 1)
        {
            sum += (uint)data[^1] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>TCP/UDP checksum of an IPv4 frame (over pseudo header and L4, with the checksum field as it is).</summary>
    private static ushort PseudoChecksum(ReadOnlySpan<byte> frame)
    {
        var ip = frame[EthernetLength..];
        var l4 = ip[20..];
        uint sum = 0;
        for (var i = 12; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        }

        sum += ip[9];
        sum += (uint)l4.Length;
        return Checksum(l4, sum);
    }

    /// <summary>True when the IPv4 header checksum and the TCP/UDP/ICMP checksum of <paramref name="frame"/> verify.</summary>
    public static bool ChecksumsValid(ReadOnlySpan<byte> frame)
    {
        var ip = frame.Slice(EthernetLength, 20);
        if (Checksum(ip, 0) != 0)
        {
            return false;
        }

        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        var l4Frame = frame[..(EthernetLength + totalLength)];
        return ip[9] switch
        {
            Icmp => Checksum(l4Frame[(EthernetLength + 20)..], 0) == 0,
            Udp when BinaryPrimitives.ReadUInt16BigEndian(l4Frame[(EthernetLength + 26)..]) == 0 => true,
            Tcp or Udp => PseudoChecksum(l4Frame) == 0,
            _ => true,
        };
    }

    public static IPAddress Source(ReadOnlySpan<byte> frame) => new(frame.Slice(EthernetLength + 12, 4));

    public static IPAddress Destination(ReadOnlySpan<byte> frame) => new(frame.Slice(EthernetLength + 16, 4));

    public static byte Ttl(ReadOnlySpan<byte> frame) => frame[EthernetLength + 8];

    public static ushort SourcePort(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[(EthernetLength + 20)..]);

    public static ushort DestinationPort(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[(EthernetLength + 22)..]);

    public static ushort IcmpId(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[(EthernetLength + 24)..]);

    public static byte TcpFlags(ReadOnlySpan<byte> frame) => frame[EthernetLength + 20 + 13];

    public static uint TcpSeq(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32BigEndian(frame[(EthernetLength + 24)..]);

    public static uint TcpAck(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32BigEndian(frame[(EthernetLength + 28)..]);

    public static int IpTotalLength(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[(EthernetLength + 2)..]);

    public static byte[] DestinationMac(ReadOnlySpan<byte> frame) => frame[..6].ToArray();

    public static byte[] SourceMac(ReadOnlySpan<byte> frame) => frame[6..12].ToArray();
}
