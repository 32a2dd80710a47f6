using System.Net;
using System.Net.Sockets;
using System.Text;
using Plexus.Interop.Namespaces;

namespace Plexus.Lab.Runtime;

/// <summary>
/// <c>plexus-probe connect</c> without a process: the socket is created inside a pod's namespace (on a short-lived
/// thread, see <see cref="NetNs.Run{T}(System.Runtime.InteropServices.SafeHandle, Func{T})"/>) and used from here. TCP
/// passes when the connection opens and the server's reply (its name) arrives; UDP when a reply to one datagram
/// arrives. Cheap enough to probe a whole connectivity matrix in parallel every second.
/// </summary>
public static class NetnsProbe
{
    /// <summary>Probes <paramref name="target"/> over <paramref name="protocol"/> (<c>tcp</c> or <c>udp</c>) from inside <paramref name="netns"/> within <paramref name="timeout"/>.</summary>
    public static async Task<ProbeOutcome> RunAsync(string netns, IPEndPoint target, string protocol, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var udp = protocol.ToLowerInvariant() switch
        {
            "tcp" => false,
            "udp" => true,
            _ => throw new ArgumentException($"protocol \"{protocol}\" is not tcp or udp", nameof(protocol)),
        };
        Socket socket;
        using (var handle = NetNs.Open(netns))
        {
            socket = NetNs.Run(handle, () => udp
                ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        }

        using (socket)
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(target, deadline.Token).ConfigureAwait(false);
                if (udp)
                {
                    await socket.SendAsync("probe\n"u8.ToArray(), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                }

                var buffer = new byte[1024];
                var total = 0;
                while (total < buffer.Length)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                    total += n;
                    if (n == 0 || udp || buffer.AsSpan(0, total).Contains((byte)'\n'))
                    {
                        break;
                    }
                }

                return total == 0
                    ? new ProbeOutcome(null, "closed without a reply")
                    : new ProbeOutcome(Encoding.UTF8.GetString(buffer, 0, total).TrimEnd('\n', '\r'), null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new ProbeOutcome(null, $"no {(udp ? "reply" : "connection")} within {timeout.TotalMilliseconds:0} ms");
            }
            catch (SocketException e)
            {
                return new ProbeOutcome(null, e.SocketErrorCode.ToString());
            }
        }
    }
}
