using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary>One received netlink message: its header and the payload that follows it.</summary>
public readonly ref struct NetlinkMessage
{
    /// <summary>A message with <paramref name="header"/> and <paramref name="payload"/> (bytes after the header).</summary>
    public NetlinkMessage(NetlinkMessageHeader header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    /// <summary>The nlmsghdr.</summary>
    public NetlinkMessageHeader Header { get; }

    /// <summary>Message type (RTM_NEWLINK…).</summary>
    public ushort Type => Header.Type;

    /// <summary>Bytes after the nlmsghdr: the family header, then attributes.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Reads the family header (ifinfomsg, rtmsg…) at the start of the payload.</summary>
    public T ReadStruct<T>()
        where T : unmanaged
    {
        if (Payload.Length < Unsafe.SizeOf<T>())
        {
            throw new InvalidDataException($"message type {Type} is shorter than {typeof(T).Name}");
        }

        return MemoryMarshal.Read<T>(Payload);
    }

    /// <summary>The attributes that follow a family header of type <typeparamref name="T"/>.</summary>
    public NetlinkAttributeReader GetAttributes<T>()
        where T : unmanaged
    {
        var offset = NetlinkAttributeWriter.Align(Unsafe.SizeOf<T>());
        return new NetlinkAttributeReader(offset <= Payload.Length ? Payload[offset..] : default);
    }
}
