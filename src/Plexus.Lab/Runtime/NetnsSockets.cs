using System.Net;
using System.Net.Sockets;
using Plexus.Interop.Namespaces;

namespace Plexus.Lab.Runtime;

/// <summary>
/// TCP connections from the root namespace to servers that listen inside a lab namespace (the etcd members in the
/// fabric): the socket is created inside the namespace, on a short-lived thread, then connected from here.
/// </summary>
public static class NetnsSockets
{
    /// <summary>Connects to <paramref name="endpoint"/> from inside <paramref name="netns"/>.</summary>
    public static async ValueTask<Stream> ConnectAsync(string netns, EndPoint endpoint, CancellationToken cancellationToken)
    {
        var target = endpoint is DnsEndPoint dns && IPAddress.TryParse(dns.Host, out var address) ? new IPEndPoint(address, dns.Port) : endpoint;
        Socket socket;
        using (var handle = NetNs.Open(netns))
        {
            socket = NetNs.Run(handle, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        }

        try
        {
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects from inside <paramref name="netns"/>.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(string netns) =>
        (context, cancellationToken) => ConnectAsync(netns, context.DnsEndPoint, cancellationToken);

    /// <summary>An HTTP client whose connections start inside <paramref name="netns"/>.</summary>
    public static HttpClient HttpClient(string netns, TimeSpan timeout) =>
        new(new SocketsHttpHandler { ConnectCallback = ConnectCallback(netns) }) { Timeout = timeout };
}
