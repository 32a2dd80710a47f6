using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Interop.Tests.Support;

/// <summary>Traffic and polling helpers for privileged tests.</summary>
public static class Probe
{
    /// <summary>
    /// Listens on <paramref name="address"/> inside <paramref name="server"/>, connects from inside
    /// <paramref name="client"/> and exchanges a ping/pong over TCP; fails if that does not happen within 20 s.
    /// </summary>
    public static async Task TcpRoundTripAsync(TestNetns client, TestNetns server, IPAddress address)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var listener = server.Run(() => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        listener.Bind(new IPEndPoint(address, 0));
        listener.Listen();
        using var connecting = client.Run(() => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp));

        var accepting = listener.AcceptAsync(timeout.Token).AsTask();
        await connecting.ConnectAsync(listener.LocalEndPoint!, timeout.Token);
        using var accepted = await accepting;

        await connecting.SendAsync(Encoding.ASCII.GetBytes("ping"), timeout.Token);
        Assert.Equal("ping", await ReceiveAsync(accepted, 4, timeout.Token));
        await accepted.SendAsync(Encoding.ASCII.GetBytes("pong"), timeout.Token);
        Assert.Equal("pong", await ReceiveAsync(connecting, 4, timeout.Token));
        Assert.Equal(address, ((IPEndPoint)connecting.RemoteEndPoint!).Address);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passes.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > within)
            {
                Assert.Fail($"timed out after {within} waiting for {what}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Runs <c>ip</c> with <paramref name="arguments"/> (tests only: the product never shells out) and returns stdout.</summary>
    public static string Ip(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("ip", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ip {string.Join(' ', arguments)} failed: {error}");
        return output;
    }

    private static async Task<string> ReceiveAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var received = 0;
        while (received < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received), cancellationToken);
            if (read == 0)
            {
                break;
            }

            received += read;
        }

        return Encoding.ASCII.GetString(buffer, 0, received);
    }
}
