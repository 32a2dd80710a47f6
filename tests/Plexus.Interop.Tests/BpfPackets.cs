using System.Buffers.Binary;
using System.Net;

namespace Plexus.Interop.Tests;

/// <summary>Builds Ethernet frames (IPv4/UDP/TCP, ARP, IPv6) for BPF_PROG_TEST_RUN.</summary>
internal static class BpfPackets
{
    public const ushort EtherTypeIPv4 = 0x0800;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeIPv6 = 0x86DD;
    public const byte ProtoTcp = 6;
    public const byte ProtoUdp = 17;
    public const byte ProtoIcmp = 1;

    /// <summary>An Ethernet/IPv4/UDP frame.</summary>
    public static byte[] Udp(string source, string destination, ushort sourcePort, ushort destinationPort, int payloadLength = 16)
    {
        var udp = new byte[8 + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(0), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        udp.AsSpan(8).Fill(0xAB);
        return Ipv4(source, destination, ProtoUdp, udp);
    }

    /// <summary>An Ethernet/IPv4/TCP SYN frame.</summary>
    public static byte[] Tcp(string source, string destination, ushort sourcePort, ushort destinationPort)
    {
        var tcp = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(0), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        tcp[12] = 5 << 4; // data offset
        tcp[13] = 0x02;   // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 65535);
        return Ipv4(source, destination, ProtoTcp, tcp);
    }

    /// <summary>An Ethernet/IPv4 frame around <paramref name="l4"/>, with a valid header checksum.</summary>
    public static byte[] Ipv4(string source, string destination, byte protocol, ReadOnlySpan<byte> l4)
    {
        var ip = new byte[20 + l4.Length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        ip[8] = 64;
        ip[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(ip, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(ip, 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), Checksum(ip.AsSpan(0, 20)));
        l4.CopyTo(ip.AsSpan(20));
        return Ethernet(EtherTypeIPv4, ip);
    }

    /// <summary>An Ethernet frame with the given EtherType and payload.</summary>
    public static byte[] Ethernet(ushort etherType, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[14 + payload.Length];
        byte[] destination = [0x02, 0, 0, 0, 0, 0x02];
        byte[] source = [0x02, 0, 0, 0, 0, 0x01];
        destination.CopyTo(frame, 0);
        source.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame.AsSpan(14));
        return frame;
    }

    /// <summary>The IPv4 address as the u32 the kernel stores (network order bytes read natively).</summary>
    public static uint NetworkOrder(string address) => BitConverter.ToUInt32(IPAddress.Parse(address).GetAddressBytes());

    private static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
