using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Plexus.Datapath.Maps;

/// <summary>C <c>union addr</c>: 16 bytes; IPv4 in the first 4 (network order), the rest zero.</summary>
[InlineArray(16)]
public struct Addr16
{
    private byte _element;

    /// <summary>Packs an IPv4 or IPv6 address.</summary>
    public static Addr16 From(IPAddress address)
    {
        var value = default(Addr16);
        address.TryWriteBytes(value, out _);
        return value;
    }

    /// <summary>Reads the address back for <paramref name="family"/> (<see cref="DatapathConstants.FamilyIPv4"/> or 6).</summary>
    public readonly IPAddress ToIPAddress(byte family) =>
        family == DatapathConstants.FamilyIPv6 ? new IPAddress((ReadOnlySpan<byte>)this) : new IPAddress(((ReadOnlySpan<byte>)this)[..4]);

    /// <summary>The family byte for <paramref name="address"/>.</summary>
    public static byte FamilyOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? DatapathConstants.FamilyIPv6 : DatapathConstants.FamilyIPv4;
}
