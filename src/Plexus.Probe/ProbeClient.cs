using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Probe;

/// <summary>One probe attempt against a server: TCP connect-and-read, or UDP request-and-reply.</summary>
public static class ProbeClient
{
    /// <summary>What came back: the reply text, or why there was none.</summary>
    public readonly record struct Result(string? Reply, string? Error);

    /// <summary>Connects, reads the server's line until it closes, within <paramref name="timeout"/>.</summary>
    public static async Task<Result> ConnectTcpAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, deadline.Token).ConfigureAwait(false);
            var buffer = new byte[1024];
            var total = 0;
            while (total < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                total += n;
                if (buffer.AsSpan(0, total).Contains((byte)'\n'))
                {
                    break;
                }
            }

            return total == 0
                ? new Result(null, "connection closed without a reply")
                : new Result(Encoding.UTF8.GetString(buffer, 0, total).TrimEnd('\n', '\r'), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Result(null, $"timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            return new Result(null, e.SocketErrorCode.ToString());
        }
    }

    /// <summary>Sends one datagram and waits for one reply within <paramref name="timeout"/>.</summary>
    public static async Task<Result> ExchangeUdpAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await socket.ConnectAsync(target, deadline.Token).ConfigureAwait(false);
            await socket.SendAsync("probe\n"u8.ToArray(), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            var buffer = new byte[2048];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            return new Result(Encoding.UTF8.GetString(buffer, 0, n).TrimEnd('\n', '\r'), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Result(null, $"no reply within {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            return new Result(null, e.SocketErrorCode.ToString());
        }
    }
}
