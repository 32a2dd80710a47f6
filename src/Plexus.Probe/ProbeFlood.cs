using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Plexus.Probe;

/// <summary>
/// A bounded burst of new UDP flows: one datagram to each destination port in turn, from a new socket (source port)
/// each time the ports wrap around, so every datagram is a new 5-tuple (a new conntrack entry and a flow event on each node it crosses). Bounded in count and
/// time; paced to a rate when asked.
/// </summary>
public static class ProbeFlood
{
    /// <summary>The longest a flood may run.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(60);

    /// <summary>What a flood did.</summary>
    /// <param name="Sent">Datagrams sent.</param>
    /// <param name="Errors">Sends that failed (e.g. ENOBUFS, or ICMP errors reported on the socket).</param>
    /// <param name="Elapsed">How long it took.</param>
    public sealed record Result(long Sent, long Errors, TimeSpan Elapsed);

    /// <summary>
    /// Sends <paramref name="count"/> datagrams to <paramref name="target"/>, cycling the ports
    /// <paramref name="firstPort"/>–<paramref name="lastPort"/>, at most <paramref name="rate"/> per second (0: as fast as
    /// possible), stopping after <see cref="MaxDuration"/>.
    /// </summary>
    public static Result Run(IPAddress target, int firstPort, int lastPort, long count, int rate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var socket = Open(target);
        var payload = "plexus-flood"u8.ToArray();
        var endpoint = new IPEndPoint(target, firstPort);
        var span = lastPort - firstPort + 1;
        var clock = Stopwatch.StartNew();
        long sent = 0, errors = 0;
        try
        {
            while (sent + errors < count && clock.Elapsed < MaxDuration && !cancellationToken.IsCancellationRequested)
            {
                if (rate > 0)
                {
                    // Paced: never ahead of rate × elapsed; spin-yield in between (sleep is too coarse at these rates).
                    var allowed = (long)(clock.Elapsed.TotalSeconds * rate) + 1;
                    if (sent + errors >= allowed)
                    {
                        Thread.Yield();
                        continue;
                    }
                }

                var index = sent + errors;
                if (index > 0 && index % span == 0)
                {
                    // Every port had a datagram from this socket: a new socket (a new source port) keeps each tuple new.
                    socket.Dispose();
                    socket = Open(target);
                }

                endpoint.Port = firstPort + (int)(index % span);
                try
                {
                    socket.SendTo(payload, endpoint);
                    sent++;
                }
                catch (SocketException)
                {
                    // ICMP port unreachable from an earlier datagram surfaces here (ECONNREFUSED); count and go on.
                    errors++;
                }
            }
        }
        finally
        {
            socket.Dispose();
        }

        return new Result(sent, errors, clock.Elapsed);
    }

    private static Socket Open(IPAddress target)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        return socket;
    }
}
