using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Plexus.Model;

namespace Plexus.Agent.ControlPlane.Ipam;

/// <summary>Address arithmetic on prefixes: addresses as 128-bit numbers (IPv4 in the low 32 bits).</summary>
internal static class AddressMath
{
    /// <summary>The network address of <paramref name="cidr"/> as a number.</summary>
    public static UInt128 Network(Cidr cidr) => ToNumber(cidr.GetAddressBytes());

    /// <summary>An address as a number.</summary>
    public static UInt128 ToNumber(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return ToNumber(address.GetAddressBytes());
    }

    /// <summary>The address of family <paramref name="ipv6"/> with value <paramref name="value"/>.</summary>
    public static IPAddress ToAddress(UInt128 value, bool ipv6)
    {
        var bytes = new byte[ipv6 ? 16 : 4];
        if (ipv6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
        }

        return new IPAddress(bytes);
    }

    /// <summary>The prefix of length <paramref name="prefixLength"/> starting at <paramref name="network"/>.</summary>
    public static Cidr ToCidr(UInt128 network, int prefixLength, bool ipv6) =>
        Cidr.Parse(string.Create(CultureInfo.InvariantCulture, $"{ToAddress(network, ipv6)}/{prefixLength}"));

    /// <summary>How many addresses a prefix of <paramref name="prefixLength"/> holds, capped at <see cref="UInt128.MaxValue"/> for ::/0.</summary>
    public static UInt128 Size(int addressLength, int prefixLength) =>
        addressLength - prefixLength >= 128 ? UInt128.MaxValue : UInt128.One << (addressLength - prefixLength);

    private static UInt128 ToNumber(byte[] bytes) =>
        bytes.Length == 16 ? BinaryPrimitives.ReadUInt128BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
}
