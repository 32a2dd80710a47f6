using System.Buffers.Binary;

namespace Plexus.Interop.Netlink;

/// <summary>Walks the 4-byte aligned <c>nlattr</c>s of a span; usable with <c>foreach</c>.</summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _remaining;
    private NetlinkAttribute _current;

    /// <summary>A reader over <paramref name="attributes"/> (a message tail or a nested payload).</summary>
    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _remaining = attributes;
        _current = default;
    }

    /// <summary>The attribute found by the last successful <see cref="MoveNext"/>.</summary>
    public readonly NetlinkAttribute Current => _current;

    /// <summary>Reads the next attribute; false at the end. Throws <see cref="InvalidDataException"/> on a malformed length.</summary>
    public bool TryRead(out NetlinkAttribute attribute)
    {
        if (_remaining.Length < NetlinkAttributeWriter.HeaderSize)
        {
            attribute = default;
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(_remaining);
        var type = BinaryPrimitives.ReadUInt16LittleEndian(_remaining[2..]);
        if (length < NetlinkAttributeWriter.HeaderSize || length > _remaining.Length)
        {
            throw new InvalidDataException($"attribute {type} claims {length} bytes with {_remaining.Length} left");
        }

        attribute = new NetlinkAttribute(type, _remaining[NetlinkAttributeWriter.HeaderSize..length]);
        var next = Math.Min(NetlinkAttributeWriter.Align(length), _remaining.Length);
        _remaining = _remaining[next..];
        return true;
    }

    /// <summary>Advances to the next attribute (the <c>foreach</c> pattern).</summary>
    public bool MoveNext() => TryRead(out _current);

    /// <summary>Returns this reader so it can be used in <c>foreach</c>.</summary>
    public readonly NetlinkAttributeReader GetEnumerator() => this;
}
