using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary>
/// A sock_diag client (NETLINK_SOCK_DIAG) for one network namespace: ends sockets from outside, as <c>ss -K</c> does.
/// </summary>
/// <remarks>
/// Like <see cref="NetlinkSocket"/>, it belongs to the namespace of the thread that created it. Destroying needs
/// CONFIG_INET_DIAG_DESTROY and CAP_NET_ADMIN in that namespace.
/// </remarks>
public sealed class SockDiag : IDisposable
{
    /// <summary>NETLINK_SOCK_DIAG.</summary>
    public const int Protocol = 4;

    private const ushort SockDestroy = 21;
    private const int Enoent = 2;
    private const uint NoCookie = uint.MaxValue;
    private readonly NetlinkSocket _socket;

    /// <summary>Opens a client in the calling thread's network namespace.</summary>
    public SockDiag(TimeSpan? timeout = null)
    {
        _socket = new NetlinkSocket(Protocol, timeout);
    }

    /// <summary>
    /// Aborts the TCP socket with exactly this local and remote address (SOCK_DESTROY): the kernel sends the peer a RST
    /// and the socket's owner gets ECONNABORTED. False when no such socket exists; other refusals throw
    /// <see cref="NetlinkException"/> (EOPNOTSUPP without CONFIG_INET_DIAG_DESTROY, EPERM without CAP_NET_ADMIN).
    /// </summary>
    public bool DestroyTcp(IPEndPoint local, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        if (local.AddressFamily != remote.AddressFamily || local.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"{local} and {remote} are not both IPv4 or both IPv6", nameof(remote));
        }

        var request = new DestroyRequest
        {
            Header = new NetlinkMessageHeader { Type = SockDestroy },
            Request = new InetDiagRequest
            {
                Family = local.AddressFamily == AddressFamily.InterNetwork ? Rtnl.AfInet : Rtnl.AfInet6,
                Protocol = (byte)ProtocolType.Tcp,
                States = uint.MaxValue,
                SourcePort = BinaryPrimitives.ReverseEndianness((ushort)local.Port),
                DestinationPort = BinaryPrimitives.ReverseEndianness((ushort)remote.Port),
                Interface = 0,
                Cookie0 = NoCookie,
                Cookie1 = NoCookie,
            },
        };
        local.Address.TryWriteBytes(MemoryMarshal.AsBytes(new Span<InetDiagAddress>(ref request.Request.Source)), out _);
        remote.Address.TryWriteBytes(MemoryMarshal.AsBytes(new Span<InetDiagAddress>(ref request.Request.Destination)), out _);
        var bytes = MemoryMarshal.AsBytes(new Span<DestroyRequest>(ref request));
        if (bytes.Length != NetlinkMessageHeader.Size + 56)
        {
            throw new InvalidOperationException($"inet_diag_req_v2 laid out in {bytes.Length - NetlinkMessageHeader.Size} bytes, not 56");
        }

        try
        {
            _socket.Execute(bytes, $"destroy tcp socket {local} → {remote}");
            return true;
        }
        catch (NetlinkException e) when (e.Errno == Enoent)
        {
            return false;
        }
    }

    /// <summary>Closes the netlink socket.</summary>
    public void Dispose() => _socket.Dispose();

    /// <summary>nlmsghdr followed by struct inet_diag_req_v2.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct DestroyRequest
    {
        public NetlinkMessageHeader Header;
        public InetDiagRequest Request;
    }

    /// <summary>struct inet_diag_req_v2 with its struct inet_diag_sockid inlined.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct InetDiagRequest
    {
        public byte Family;
        public byte Protocol;
        public byte Extensions;
        public byte Pad;
        public uint States;
        public ushort SourcePort;
        public ushort DestinationPort;
        public InetDiagAddress Source;
        public InetDiagAddress Destination;
        public uint Interface;
        public uint Cookie0;
        public uint Cookie1;
    }

    /// <summary>__be32 idiag_src[4] / idiag_dst[4]: an IPv4 address in the first four bytes, or an IPv6 address.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct InetDiagAddress
    {
        private uint _word0;
        private uint _word1;
        private uint _word2;
        private uint _word3;
    }
}
