using System.Runtime.InteropServices;
using static Plexus.Interop.Netlink.NetlinkNative;

namespace Plexus.Interop.Netlink;

/// <summary>A raw AF_NETLINK socket that sends requests to the kernel and collects ACKs, replies and multi-part dumps.</summary>
/// <remarks>
/// The socket belongs to the network namespace of the thread that created it, for its whole life; use it from any
/// thread afterwards. Requests are serialised: one is in flight at a time, matched to its replies by sequence number.
/// </remarks>
public sealed unsafe class NetlinkSocket : IDisposable
{
    /// <summary>NETLINK_ROUTE: links, addresses, routes, neighbours, qdiscs.</summary>
    public const int RouteProtocol = 0;

    private const ushort MessageNoop = 1;
    private const ushort MessageError = 2;
    private const ushort MessageDone = 3;
    private const ushort MessageOverrun = 4;
    private const ushort ExtAckMessage = 1;
    private const int Eintr = 4;
    private const int Eagain = 11;
    private const int Enobufs = 105;
    private const int Etimedout = 110;
    private const int MaxDumpAttempts = 5;

    private readonly NetlinkSocketHandle _handle;
    private readonly Lock _gate = new();
    private readonly TimeSpan _timeout;
    private byte[] _receiveBuffer = new byte[64 * 1024];
    private uint _sequence;

    /// <summary>Opens and binds a netlink socket for <paramref name="protocol"/> in the calling thread's network namespace.</summary>
    /// <param name="protocol">The netlink family, e.g. <see cref="RouteProtocol"/>.</param>
    /// <param name="timeout">How long to wait for the kernel's answer to one request (default 10 s).</param>
    public NetlinkSocket(int protocol = RouteProtocol, TimeSpan? timeout = null)
    {
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
        var fd = Socket(AfNetlink, SockRaw | SockNonBlock | SockCloExec, protocol);
        if (fd < 0)
        {
            throw new NetlinkException($"open netlink socket (protocol {protocol})", Marshal.GetLastPInvokeError());
        }

        _handle = new NetlinkSocketHandle(fd);
        try
        {
            // Best effort: large dumps need room; extended ACKs give readable errors; capped ACKs skip the request echo.
            TrySetOption(SolSocket, SoSndBuf, 32 * 1024);
            TrySetOption(SolSocket, SoRcvBuf, 1024 * 1024);
            TrySetOption(SolNetlink, NetlinkExtAck, 1);
            TrySetOption(SolNetlink, NetlinkCapAck, 1);

            var address = new SockaddrNl { Family = AfNetlink };
            if (Bind(_handle, &address, sizeof(SockaddrNl)) != 0)
            {
                throw new NetlinkException("bind netlink socket", Marshal.GetLastPInvokeError());
            }

            var length = sizeof(SockaddrNl);
            if (GetSockName(_handle, &address, &length) != 0)
            {
                throw new NetlinkException("read netlink port id", Marshal.GetLastPInvokeError());
            }

            PortId = address.PortId;
        }
        catch
        {
            _handle.Dispose();
            throw;
        }

        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel assigned to this socket (nl_pid).</summary>
    public uint PortId { get; }

    /// <summary>
    /// Sends <paramref name="request"/> (an nlmsghdr, a family header and attributes) with NLM_F_ACK and waits for the
    /// ACK; throws <see cref="NetlinkException"/> naming <paramref name="operation"/> when the kernel answers an errno.
    /// </summary>
    /// <remarks>The header's length, sequence and REQUEST/ACK flags are filled in here.</remarks>
    public void Execute(Span<byte> request, string operation) =>
        Transact(request, operation, NetlinkMessageFlags.Ack, onReply: null);

    /// <summary>Like <see cref="Execute"/> for a GET that answers one object; returns <paramref name="parse"/>'s result for the first reply.</summary>
    /// <remarks><paramref name="parse"/> runs while the socket is busy: it must not use this socket.</remarks>
    public T? Query<T>(Span<byte> request, string operation, Func<NetlinkMessage, T?> parse)
        where T : class
    {
        T? result = null;
        Transact(request, operation, NetlinkMessageFlags.Ack, message => result ??= parse(message));
        return result;
    }

    /// <summary>
    /// Sends <paramref name="request"/> with NLM_F_DUMP and collects every non-null <paramref name="parse"/> result until
    /// NLMSG_DONE; restarts the dump when the kernel flags it as interrupted by a concurrent change.
    /// </summary>
    /// <remarks><paramref name="parse"/> runs while the socket is busy: it must not use this socket.</remarks>
    public List<T> Dump<T>(Span<byte> request, string operation, Func<NetlinkMessage, T?> parse)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var items = new List<T>();
            var interrupted = Transact(request, operation, NetlinkMessageFlags.Dump, message =>
            {
                if (parse(message) is { } item)
                {
                    items.Add(item);
                }
            });

            if (!interrupted)
            {
                return items;
            }

            if (attempt == MaxDumpAttempts)
            {
                throw new NetlinkException(operation, Eintr, $"dump interrupted by concurrent changes {attempt} times");
            }
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _handle.Dispose();

    // Returns whether any reply carried NLM_F_DUMP_INTR.
    private bool Transact(Span<byte> request, string operation, NetlinkMessageFlags flags, Action<NetlinkMessage>? onReply)
    {
        if (request.Length < NetlinkMessageHeader.Size)
        {
            throw new ArgumentException("a netlink request starts with an nlmsghdr", nameof(request));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            var sequence = ++_sequence;
            ref var header = ref MemoryMarshal.AsRef<NetlinkMessageHeader>(request);
            header.Length = (uint)request.Length;
            header.Flags |= NetlinkMessageFlags.Request | flags;
            header.Sequence = sequence;

            var deadline = Environment.TickCount64 + (long)_timeout.TotalMilliseconds;
            Send(request, operation, deadline);

            var interrupted = false;
            while (true)
            {
                var data = _receiveBuffer.AsSpan(0, Receive(operation, deadline));
                while (data.Length >= NetlinkMessageHeader.Size)
                {
                    var replyHeader = MemoryMarshal.Read<NetlinkMessageHeader>(data);
                    if (replyHeader.Length < NetlinkMessageHeader.Size || replyHeader.Length > data.Length)
                    {
                        throw new InvalidDataException($"{operation}: netlink message of {replyHeader.Length} bytes in a {data.Length}-byte datagram");
                    }

                    var reply = new NetlinkMessage(replyHeader, data[NetlinkMessageHeader.Size..(int)replyHeader.Length]);
                    data = data[Math.Min(NetlinkAttributeWriter.Align((int)replyHeader.Length), data.Length)..];

                    // Leftovers of an earlier request that timed out or failed mid-dump carry an older sequence.
                    if (replyHeader.Sequence != sequence)
                    {
                        continue;
                    }

                    switch (replyHeader.Type)
                    {
                        case MessageError:
                        case MessageDone:
                            ThrowOnError(reply, operation);
                            return interrupted;
                        case MessageNoop:
                            break;
                        case MessageOverrun:
                            throw new NetlinkException(operation, Enobufs, "netlink overrun");
                        default:
                            interrupted |= (replyHeader.Flags & NetlinkMessageFlags.DumpInterrupted) != 0;
                            onReply?.Invoke(reply);
                            break;
                    }
                }
            }
        }
    }

    // NLMSG_ERROR carries `int error; struct nlmsghdr request; [request payload unless capped]; [extack TLVs]`;
    // NLMSG_DONE carries `int error; [extack TLVs]`. error 0 is the ACK.
    private static void ThrowOnError(NetlinkMessage reply, string operation)
    {
        if (reply.Payload.Length < sizeof(int))
        {
            return;
        }

        var error = MemoryMarshal.Read<int>(reply.Payload);
        if (error >= 0)
        {
            return;
        }

        string? kernelMessage = null;
        if ((reply.Header.Flags & NetlinkMessageFlags.Exclusive) != 0)
        {
            var offset = sizeof(int);
            if (reply.Type == MessageError && reply.Payload.Length >= offset + NetlinkMessageHeader.Size)
            {
                var echoed = MemoryMarshal.Read<NetlinkMessageHeader>(reply.Payload[offset..]);
                var capped = (reply.Header.Flags & NetlinkMessageFlags.Replace) != 0;
                offset += capped ? NetlinkMessageHeader.Size : NetlinkAttributeWriter.Align((int)echoed.Length);
            }

            if (offset <= reply.Payload.Length)
            {
                foreach (var attribute in new NetlinkAttributeReader(reply.Payload[offset..]))
                {
                    if (attribute.Type == ExtAckMessage)
                    {
                        kernelMessage = attribute.GetString();
                    }
                }
            }
        }

        throw new NetlinkException(operation, -error, kernelMessage);
    }

    private void Send(ReadOnlySpan<byte> request, string operation, long deadline)
    {
        var kernel = new SockaddrNl { Family = AfNetlink };
        while (true)
        {
            nint sent;
            fixed (byte* buffer = request)
            {
                sent = SendTo(_handle, buffer, request.Length, 0, &kernel, sizeof(SockaddrNl));
            }

            if (sent >= 0)
            {
                return;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Eagain)
            {
                WaitFor(PollOut, operation, deadline);
            }
            else if (errno != Eintr)
            {
                throw new NetlinkException(operation, errno, "sendto");
            }
        }
    }

    // Peeks with MSG_TRUNC first so a datagram larger than the buffer grows the buffer instead of being cut.
    private int Receive(string operation, long deadline)
    {
        while (true)
        {
            var size = ReceiveInto(MsgPeek | MsgTrunc, out var from);
            if (size > _receiveBuffer.Length)
            {
                _receiveBuffer = new byte[NetlinkAttributeWriter.Align((int)size)];
                continue;
            }

            if (size >= 0)
            {
                size = ReceiveInto(0, out from);
            }

            if (size >= 0)
            {
                if (from == 0)
                {
                    return (int)size;
                }

                continue; // not from the kernel: ignore
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Eagain)
            {
                WaitFor(PollIn, operation, deadline);
            }
            else if (errno != Eintr)
            {
                throw new NetlinkException(operation, errno, "recvfrom");
            }
        }
    }

    private nint ReceiveInto(int flags, out uint fromPortId)
    {
        var from = default(SockaddrNl);
        var length = sizeof(SockaddrNl);
        nint size;
        fixed (byte* buffer = _receiveBuffer)
        {
            size = RecvFrom(_handle, buffer, _receiveBuffer.Length, flags, &from, &length);
        }

        fromPortId = from.PortId;
        return size;
    }

    private void WaitFor(short events, string operation, long deadline)
    {
        var success = false;
        _handle.DangerousAddRef(ref success);
        try
        {
            while (true)
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    throw new NetlinkException(operation, Etimedout, $"no answer from the kernel within {_timeout}");
                }

                var poll = new PollFd { Fd = (int)_handle.DangerousGetHandle(), Events = events };
                var ready = Poll(&poll, 1, (int)Math.Min(remaining, int.MaxValue));
                if (ready > 0)
                {
                    return;
                }

                if (ready < 0 && Marshal.GetLastPInvokeError() is var errno && errno != Eintr)
                {
                    throw new NetlinkException(operation, errno, "poll");
                }
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    private void TrySetOption(int level, int name, int value) =>
        _ = SetSockOpt(_handle, level, name, &value, sizeof(int));
}
