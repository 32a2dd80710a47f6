using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Plexus.Interop.Netlink;

/// <summary>Appends fixed headers and 4-byte aligned <c>nlattr</c>s (optionally nested) to a message buffer.</summary>
public ref struct NetlinkAttributeWriter
{
    /// <summary>Size of <c>struct nlattr</c> (nla_len, nla_type).</summary>
    public const int HeaderSize = 4;

    /// <summary>NLA_F_NESTED: the attribute's payload is itself a list of attributes.</summary>
    public const ushort NestedFlag = 0x8000;

    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>A writer that fills <paramref name="buffer"/> from its start.</summary>
    public NetlinkAttributeWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    /// <summary>Number of bytes written so far (always a multiple of 4).</summary>
    public readonly int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public readonly Span<byte> Written => _buffer[.._length];

    /// <summary>Rounds <paramref name="length"/> up to the 4-byte netlink alignment (NLA_ALIGN / NLMSG_ALIGN).</summary>
    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>Appends a C-layout struct (nlmsghdr, ifinfomsg…) and pads it to 4 bytes.</summary>
    public void WriteStruct<T>(in T value)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var target = Reserve(size);
        MemoryMarshal.Write(target, in value);
    }

    /// <summary>Appends an attribute with a raw payload.</summary>
    public void Write(ushort type, scoped ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(WriteHeader(type, payload.Length));
    }

    /// <summary>Appends an attribute without payload (a flag attribute).</summary>
    public void WriteFlag(ushort type) => WriteHeader(type, 0);

    /// <summary>Appends a u8 attribute.</summary>
    public void WriteByte(ushort type, byte value) => WriteHeader(type, 1)[0] = value;

    /// <summary>Appends a u16 attribute in host byte order.</summary>
    public void WriteUInt16(ushort type, ushort value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(WriteHeader(type, 2), value);

    /// <summary>Appends a be16 attribute (network byte order, e.g. a UDP port).</summary>
    public void WriteUInt16BigEndian(ushort type, ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(WriteHeader(type, 2), value);

    /// <summary>Appends a u32 attribute in host byte order.</summary>
    public void WriteUInt32(ushort type, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(WriteHeader(type, 4), value);

    /// <summary>Appends a NUL-terminated string attribute.</summary>
    public void WriteString(ushort type, string value)
    {
        var size = Encoding.UTF8.GetByteCount(value);
        var payload = WriteHeader(type, size + 1);
        Encoding.UTF8.GetBytes(value, payload);
        payload[size] = 0;
    }

    /// <summary>Appends an IPv4 (4 bytes) or IPv6 (16 bytes) address attribute.</summary>
    public void WriteAddress(ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"cannot encode address {address}", nameof(address));
        }

        Write(type, bytes[..written]);
    }

    /// <summary>Appends a link-layer (MAC) address attribute.</summary>
    public void WriteMac(ushort type, PhysicalAddress address) => Write(type, address.GetAddressBytes());

    /// <summary>Starts a nested attribute; returns the token to pass to <see cref="EndNested"/>.</summary>
    /// <remarks>iproute2 leaves NLA_F_NESTED off for rtnetlink; strict policies of newer families require it.</remarks>
    public int BeginNested(ushort type, bool setNestedFlag = false)
    {
        var start = _length;
        WriteHeader(setNestedFlag ? (ushort)(type | NestedFlag) : type, 0);
        return start;
    }

    /// <summary>Closes the nested attribute started at <paramref name="token"/>, covering everything written since.</summary>
    public readonly void EndNested(int token)
    {
        if (token < 0 || token + HeaderSize > _length)
        {
            throw new ArgumentOutOfRangeException(nameof(token), "not a token returned by BeginNested");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[token..], checked((ushort)(_length - token)));
    }

    private Span<byte> WriteHeader(ushort type, int payloadLength)
    {
        var attribute = Reserve(HeaderSize + payloadLength);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, checked((ushort)(HeaderSize + payloadLength)));
        BinaryPrimitives.WriteUInt16LittleEndian(attribute[2..], type);
        return attribute.Slice(HeaderSize, payloadLength);
    }

    // Reserves size bytes plus alignment padding, zeroing the padding so no stale bytes reach the kernel.
    private Span<byte> Reserve(int size)
    {
        var aligned = Align(size);
        if (_length + aligned > _buffer.Length)
        {
            throw new InvalidOperationException($"netlink message exceeds its {_buffer.Length}-byte buffer");
        }

        var slot = _buffer.Slice(_length, aligned);
        slot[size..].Clear();
        _length += aligned;
        return slot[..size];
    }
}
