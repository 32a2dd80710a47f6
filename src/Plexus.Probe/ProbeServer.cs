using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Probe;

/// <summary>
/// Answers TCP connections and UDP datagrams with a fixed name, on every address of the host; with
/// <paramref name="echoPeer"/>, the reply is <c>NAME PEER-IP</c>, so a client can see the address it arrived from
/// (e.g. a node's address after masquerading).
/// </summary>
public sealed class ProbeServer(string name, bool echoPeer = false)
{
    private readonly byte[] _reply = Encoding.UTF8.GetBytes(name + "\n");

    /// <summary>How long a TCP connection may stay silent before the server closes it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Accepts TCP connections on <paramref name="port"/> until cancelled. Each gets the name at once, then the name
    /// again for every line the client sends (so a client can hold a connection and check it keeps working); the server
    /// closes when the client does or after <see cref="IdleTimeout"/> of silence.
    /// </summary>
    public async Task ServeTcpAsync(int port, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        listener.Listen(1024);
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            _ = AnswerAsync(client, ReplyTo(client.RemoteEndPoint), cancellationToken);
        }
    }

    private static async Task AnswerAsync(Socket client, byte[] reply, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                await client.SendAsync(reply, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                var buffer = new byte[512];
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    idle.CancelAfter(IdleTimeout);
                    var n = await client.ReceiveAsync(buffer, SocketFlags.None, idle.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    for (var i = buffer.AsSpan(0, n).Count((byte)'\n'); i > 0; i--)
                    {
                        await client.SendAsync(reply, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The peer went away, or stayed silent too long: nothing more to answer.
            }
        }
    }

    /// <summary>Answers every datagram on <paramref name="port"/> with the name until cancelled.</summary>
    public async Task ServeUdpAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            try
            {
                await socket.SendToAsync(ReplyTo(received.RemoteEndPoint), SocketFlags.None, received.RemoteEndPoint, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Unreachable sender (e.g. a policy drops the reply): keep serving others.
            }
        }
    }

    private byte[] ReplyTo(EndPoint? peer)
    {
        if (!echoPeer || peer is not IPEndPoint ip)
        {
            return _reply;
        }

        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        return Encoding.UTF8.GetBytes($"{name} {address}\n");
    }
}
