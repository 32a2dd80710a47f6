using System.Globalization;
using System.Runtime.CompilerServices;

namespace Plexus.Datapath.Maps;

/// <summary>A 6-byte Ethernet address as stored in maps.</summary>
[InlineArray(6)]
public struct Mac
{
    private byte _element;

    /// <summary>Copies six bytes.</summary>
    public static Mac From(ReadOnlySpan<byte> bytes)
    {
        var mac = default(Mac);
        bytes[..6].CopyTo(mac);
        return mac;
    }

    /// <summary>Formats as <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public readonly string Format()
    {
        ReadOnlySpan<byte> b = this;
        return string.Join(':', b.ToArray().Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
