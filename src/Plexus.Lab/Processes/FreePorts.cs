using System.Net;
using System.Net.Sockets;

namespace Plexus.Lab.Processes;

/// <summary>Finds unused loopback TCP ports for servers the lab starts.</summary>
public static class FreePorts
{
    // Below Linux's ephemeral range (32768+): an outgoing connection never takes a port a stopped server wants back.
    private const int First = 20_000;
    private const int Last = 32_000;

    /// <summary>Returns <paramref name="count"/> distinct ports nothing listens on right now.</summary>
    public static int[] Take(int count)
    {
        var ports = new HashSet<int>();
        for (var attempt = 0; ports.Count < count && attempt < 10_000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (ports.Contains(port))
            {
                continue;
            }

            try
            {
                using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
                ports.Add(port);
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }

        return ports.Count == count ? [.. ports] : throw new InvalidOperationException($"no {count} free loopback ports in {First}..{Last}");
    }

    /// <summary>One free port.</summary>
    public static int Take() => Take(1)[0];
}
