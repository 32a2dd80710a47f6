using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Probe;

/// <summary>One probe attempt against a server: TCP connect-and-read, or UDP request-and-reply.</summary>
public static class ProbeClient
{
    /// <summary>What came back: the reply text, or why there was none.</summary>
    public readonly record struct Result(string? Reply, string? Error);

    /// <summary>
    /// Connects (from <paramref name="sourcePort"/> when it is not 0), reads the server's line until it closes, within
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task<Result> ConnectTcpAsync(IPEndPoint target, TimeSpan timeout, int sourcePort, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (sourcePort != 0)
            {
                // A port of this client's own connection in TIME_WAIT is free again for another peer (SO_REUSEADDR).
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, sourcePort));
            }

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

    /// <summary>How a held connection ended.</summary>
    /// <param name="Reply">The server's first reply (its name), when one came.</param>
    /// <param name="Exchanges">Request/reply rounds that succeeded after the first reply.</param>
    /// <param name="End"><c>completed</c> (held for the whole duration), <c>reset</c>, <c>aborted</c> (the socket was ended locally, e.g. by the agent when its service backend went away), <c>closed</c>, <c>timeout</c> or <c>refused</c>/another socket error.</param>
    /// <param name="Elapsed">Time from connecting until the end.</param>
    public readonly record struct HoldResult(string? Reply, int Exchanges, string End, TimeSpan Elapsed);

    /// <summary>
    /// Connects and holds the connection for <paramref name="duration"/>, sending a line every <paramref name="interval"/>
    /// and expecting the server's line back within <paramref name="timeout"/> each time.
    /// </summary>
    public static async Task<HoldResult> HoldTcpAsync(IPEndPoint target, TimeSpan duration, TimeSpan interval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        string? first = null;
        var exchanges = 0;
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connect.CancelAfter(timeout);
                await socket.ConnectAsync(target, connect.Token).ConfigureAwait(false);
                first = await ReadLineAsync(socket, timeout, cancellationToken).ConfigureAwait(false);
            }

            if (first is null)
            {
                return new HoldResult(null, 0, "closed", clock.Elapsed);
            }

            while (clock.Elapsed < duration)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                await socket.SendAsync("ping\n"u8.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                var line = await ReadLineAsync(socket, timeout, cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    return new HoldResult(first, exchanges, "closed", clock.Elapsed);
                }

                exchanges++;
            }

            return new HoldResult(first, exchanges, "completed", clock.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HoldResult(first, exchanges, "timeout", clock.Elapsed);
        }
        catch (SocketException e)
        {
            var end = e.SocketErrorCode switch
            {
                SocketError.ConnectionReset => "reset",
                SocketError.ConnectionAborted => "aborted",
                SocketError.ConnectionRefused => "refused",
                _ => e.SocketErrorCode.ToString(),
            };
            return new HoldResult(first, exchanges, end, clock.Elapsed);
        }
    }

    /// <summary>Reads one line (without the newline); null at end of stream.</summary>
    private static async Task<string?> ReadLineAsync(Socket socket, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var buffer = new byte[512];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(total, 1), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            if (buffer[total] == (byte)'\n')
            {
                return Encoding.UTF8.GetString(buffer, 0, total).TrimEnd('\r');
            }

            total += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
