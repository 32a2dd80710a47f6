using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Plexus.Model;

/// <summary>
/// Strict IP address parsing: IPv4 only as four decimal octets without leading zeros (unlike
/// <see cref="IPAddress.TryParse(string, out IPAddress)"/>, which accepts "10.1" or octal forms); IPv6 without zone or brackets.
/// Addresses become 128-bit values, IPv4 in the low 32 bits.
/// </summary>
internal static class IpText
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="problem"/> explains a failure.</summary>
    public static bool TryParse(string text, out UInt128 bits, out bool isIPv6, out string? problem)
    {
        bits = 0;
        isIPv6 = text.Contains(':', StringComparison.Ordinal);
        problem = null;
        if (isIPv6)
        {
            if (text.IndexOfAny(['%', '[', ']', '/']) >= 0 || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                problem = "not a valid IPv6 address";
                return false;
            }

            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bits = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            return true;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            problem = text.Length == 0 ? "empty address" : !text.Contains('.', StringComparison.Ordinal) ? "not an IP address" : "an IPv4 address needs 4 octets";
            return false;
        }

        uint value = 0;
        foreach (var part in parts)
        {
            if (part.Length == 0 || part.Length > 3 || !part.All(char.IsAsciiDigit))
            {
                problem = $"octet \"{part}\" is not a number between 0 and 255";
                return false;
            }

            if (part.Length > 1 && part[0] == '0')
            {
                problem = $"octet \"{part}\" has a leading zero";
                return false;
            }

            var octet = uint.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                problem = $"octet {octet} is out of range 0-255";
                return false;
            }

            value = (value << 8) | octet;
        }

        bits = value;
        return true;
    }

    /// <summary>Checks an IP address; returns an error reason naming <paramref name="text"/>, or null.</summary>
    public static string? AddressError(string text) =>
        TryParse(text, out _, out _, out var problem) ? null : $"invalid IP address \"{text}\": {problem}";

    /// <summary>Converts an address to its 128-bit value.</summary>
    public static (UInt128 Bits, bool IsIPv6) FromAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? (BinaryPrimitives.ReadUInt32BigEndian(bytes), false)
            : (BinaryPrimitives.ReadUInt128BigEndian(bytes), true);
    }
}
