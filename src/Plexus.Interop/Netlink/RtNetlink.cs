using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Plexus.Interop.Namespaces;

namespace Plexus.Interop.Netlink;

/// <summary>An rtnetlink client for one network namespace: links, addresses, routes and neighbours, without <c>ip</c>.</summary>
/// <remarks>
/// The namespace is fixed when the client is created (the one of the creating thread, or the one passed to
/// <see cref="InNamespace"/>); the client may then be used from any thread, calls being serialised on its one
/// socket. Refusals come back as <see cref="NetlinkException"/> with the errno name (EEXIST, ENODEV…).
/// </remarks>
public sealed partial class RtNetlink : IDisposable
{
    private const int RequestSize = 1024;
    private const int Enodev = 19;
    private readonly NetlinkSocket _socket;

    /// <summary>Opens a client in the calling thread's network namespace (the host's on pool threads).</summary>
    /// <param name="timeout">How long to wait for the kernel's answer to one request (default 10 s).</param>
    public RtNetlink(TimeSpan? timeout = null)
    {
        _socket = new NetlinkSocket(NetlinkSocket.RouteProtocol, timeout);
    }

    /// <summary>Opens a client bound to the network namespace <paramref name="netns"/> (an fd from <see cref="NetNs.Open"/>).</summary>
    public static RtNetlink InNamespace(SafeHandle netns, TimeSpan? timeout = null) =>
        NetNs.Run(netns, () => new RtNetlink(timeout));

    /// <summary>Closes the netlink socket.</summary>
    public void Dispose() => _socket.Dispose();

    private static NetlinkAttributeWriter Begin(Span<byte> buffer, ushort type, NetlinkMessageFlags flags)
    {
        var writer = new NetlinkAttributeWriter(buffer);
        writer.WriteStruct(new NetlinkMessageHeader { Type = type, Flags = flags });
        return writer;
    }

    private int ResolveIndex(LinkRef link, string operation)
    {
        if (link.Index > 0)
        {
            return link.Index;
        }

        if (link.Name is null)
        {
            throw new ArgumentException("default(LinkRef) names no link", nameof(link));
        }

        return QueryLink(link, operation)?.Index ?? throw new NetlinkException(operation, Enodev, $"no link named {link.Name}");
    }

    private static byte FamilyOf(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => Rtnl.AfInet,
        AddressFamily.InterNetworkV6 => Rtnl.AfInet6,
        _ => throw new ArgumentException($"{address} is neither IPv4 nor IPv6", nameof(address)),
    };

    private static byte ToNative(AddressFamily? family) => family switch
    {
        null or AddressFamily.Unspecified => Rtnl.AfUnspec,
        AddressFamily.InterNetwork => Rtnl.AfInet,
        AddressFamily.InterNetworkV6 => Rtnl.AfInet6,
        _ => throw new ArgumentException($"{family} is neither IPv4 nor IPv6", nameof(family)),
    };

    private static int MaxPrefix(byte family) => family == Rtnl.AfInet ? 32 : 128;
}
