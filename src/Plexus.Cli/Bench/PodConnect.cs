using System.Net;
using System.Net.Sockets;
using Plexus.Interop.Namespaces;

namespace Plexus.Cli.Bench;

/// <summary>One short connection attempt from inside a pod, as the polling scenarios (propagation, policy) make them.</summary>
public static class PodConnect
{
    /// <summary>How long one attempt may take: a dropped SYN is not retransmitted within it, so each attempt is a new connection.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Connects from <paramref name="client"/>'s namespace to <paramref name="target"/> and reads the server's reply; false on a drop, refusal or timeout.</summary>
    public static async Task<bool> AttemptAsync(NetNsHandle client, IPEndPoint target, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await NetNs.RunAsync(client, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, cancellationToken)
                .ConfigureAwait(false);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(AttemptTimeout);
            await socket.ConnectAsync(target, limit.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            return await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false) > 0;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
