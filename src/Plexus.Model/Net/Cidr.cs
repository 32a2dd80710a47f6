using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Plexus.Model;

/// <summary>
/// An IPv4 or IPv6 prefix, normalized to its network address (<c>10.1.2.3/8</c> becomes <c>10.0.0.0/8</c>).
/// <c>default(Cidr)</c> is <c>0.0.0.0/0</c>.
/// </summary>
public readonly struct Cidr : IEquatable<Cidr>, IComparable<Cidr>
{
    private readonly UInt128 _network;
    private readonly byte _prefixLength;
    private readonly bool _isIPv6;

    private Cidr(UInt128 address, int prefixLength, bool isIPv6)
    {
        _isIPv6 = isIPv6;
        _prefixLength = (byte)prefixLength;
        _network = address & Mask(prefixLength, isIPv6 ? 128 : 32);
    }

    /// <summary>True for an IPv6 prefix.</summary>
    public bool IsIPv6 => _isIPv6;

    /// <summary>True for an IPv4 prefix.</summary>
    public bool IsIPv4 => !_isIPv6;

    /// <summary>The address family.</summary>
    public AddressFamily AddressFamily => _isIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    /// <summary>Number of leading bits that are fixed.</summary>
    public int PrefixLength => _prefixLength;

    /// <summary>Bits in an address of this family: 32 or 128.</summary>
    public int AddressLength => _isIPv6 ? 128 : 32;

    /// <summary>True when the prefix holds a single address (/32 or /128).</summary>
    public bool IsHost => _prefixLength == AddressLength;

    /// <summary>The network address (host bits cleared).</summary>
    public IPAddress Network => new(GetAddressBytes());

    /// <summary>Parses <c>address/prefix</c>; false when malformed.</summary>
    public static bool TryParse(string text, out Cidr cidr) => TryParse(text, out cidr, out _);

    /// <summary>Parses <c>address/prefix</c>; <paramref name="error"/> names the value and the problem.</summary>
    public static bool TryParse(string text, out Cidr cidr, [NotNullWhen(false)] out string? error)
    {
        cidr = default;
        error = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? text : text[..slash];
        if (!IpText.TryParse(address, out var bits, out var isIPv6, out var problem))
        {
            error = $"invalid CIDR \"{text}\": {problem}";
            return false;
        }

        var max = isIPv6 ? 128 : 32;
        if (slash < 0)
        {
            error = $"invalid CIDR \"{text}\": missing prefix length (write {text}/{max} for a single address)";
            return false;
        }

        var prefix = text[(slash + 1)..];
        if (prefix.Length == 0 || prefix.Length > 3 || !prefix.All(char.IsAsciiDigit)
            || !int.TryParse(prefix, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > max)
        {
            error = $"invalid CIDR \"{text}\": prefix length must be a number between 0 and {max}";
            return false;
        }

        cidr = new Cidr(bits, length, isIPv6);
        return true;
    }

    /// <summary>Parses <c>address/prefix</c>; throws <see cref="FormatException"/> when malformed.</summary>
    public static Cidr Parse(string text) => TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException(error);

    /// <summary>The single-address prefix (/32 or /128) of <paramref name="address"/>.</summary>
    public static Cidr FromAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (bits, isIPv6) = IpText.FromAddress(address);
        return new Cidr(bits, isIPv6 ? 128 : 32, isIPv6);
    }

    /// <summary>Whether <paramref name="address"/> lies in the prefix (IPv4-mapped IPv6 addresses count as IPv4).</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (bits, isIPv6) = IpText.FromAddress(address);
        return isIPv6 == _isIPv6 && (bits & Mask(_prefixLength, AddressLength)) == _network;
    }

    /// <summary>Whether <paramref name="other"/> lies entirely inside this prefix (true for equal prefixes).</summary>
    public bool Contains(Cidr other) =>
        other._isIPv6 == _isIPv6 && other._prefixLength >= _prefixLength && (other._network & Mask(_prefixLength, AddressLength)) == _network;

    /// <summary>Whether the two prefixes share at least one address.</summary>
    public bool Overlaps(Cidr other) => Contains(other) || other.Contains(this);

    /// <summary>The network address in network byte order (4 or 16 bytes).</summary>
    public byte[] GetAddressBytes()
    {
        var bytes = new byte[_isIPv6 ? 16 : 4];
        if (_isIPv6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, _network);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)_network);
        }

        return bytes;
    }

    /// <summary>Canonical text: <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{_prefixLength}");

    /// <inheritdoc/>
    public bool Equals(Cidr other) => _network == other._network && _prefixLength == other._prefixLength && _isIPv6 == other._isIPv6;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Cidr other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_network, _prefixLength, _isIPv6);

    /// <summary>Orders IPv4 before IPv6, then by network address, then by prefix length.</summary>
    public int CompareTo(Cidr other) =>
        _isIPv6 != other._isIPv6 ? (_isIPv6 ? 1 : -1)
        : _network != other._network ? _network.CompareTo(other._network)
        : _prefixLength.CompareTo(other._prefixLength);

    /// <summary>Equality.</summary>
    public static bool operator ==(Cidr left, Cidr right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Cidr left, Cidr right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Cidr left, Cidr right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Cidr left, Cidr right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Cidr left, Cidr right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Cidr left, Cidr right) => left.CompareTo(right) >= 0;

    private static UInt128 Mask(int prefixLength, int width) =>
        prefixLength == 0 ? UInt128.Zero : (UInt128.MaxValue << (128 - prefixLength)) >> (128 - width);
}
