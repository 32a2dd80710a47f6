using System.Net;
using System.Net.Sockets;
using Plexus.Interop.Namespaces;

namespace Plexus.Cli.Bench;

/// <summary>
/// A TCP server inside a pod's namespace, run by this process (no tool to start per pod): it answers every connection
/// with a fixed reply and closes it. The socket is made inside the namespace and bound to the wildcard address, so it
/// listens before the pod has an address; disposing it closes the socket, which ends the accept loop.
/// </summary>
public sealed class PodListener : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();

    private PodListener(Socket socket, ReadOnlyMemory<byte> reply)
    {
        _socket = socket;
        _ = AcceptLoopAsync(reply);
    }

    /// <summary>Listens on TCP <paramref name="port"/> inside namespace <paramref name="netns"/>, answering <paramref name="reply"/>.</summary>
    public static PodListener Open(string netns, int port, ReadOnlyMemory<byte> reply)
    {
        using var handle = NetNs.Open(netns);
        var socket = NetNs.Run(handle, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            socket.Listen(64);
            return new PodListener(socket, reply);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(ReadOnlyMemory<byte> reply)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            using (connection)
            {
                try
                {
                    await connection.SendAsync(reply, SocketFlags.None, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    // The client gave up (its attempt timed out); it counts only the connections that got the reply.
                }
            }
        }
    }
}
