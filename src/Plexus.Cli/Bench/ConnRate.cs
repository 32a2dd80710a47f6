using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Plexus.Cli.Bench;

/// <summary>
/// The connection-rate tool, run as hidden <c>plexus bench connrate-server|connrate-client</c> inside pod namespaces.
/// A transaction is: connect, send one byte, receive one byte, the server closes first (so TIME_WAIT stays on the
/// server and the client does not run out of ports), the client sees EOF and closes. Both sides are bounded in time.
/// </summary>
public static class ConnRate
{
    private const int ReceiveTimeoutMs = 2000;
    private const int MaxErrors = 100;

    /// <summary>Accepts and answers connections on <paramref name="port"/> with <paramref name="workers"/> threads until <paramref name="lifetime"/> ends.</summary>
    public static int Serve(int port, int workers, TimeSpan lifetime)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Any, port));
        listener.Listen(4096);
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() => AcceptLoop(listener)) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        Thread.Sleep(lifetime);
        return 0;
    }

    /// <summary>
    /// Opens connections to <paramref name="target"/> from <paramref name="workers"/> threads for <paramref name="duration"/>
    /// or until <paramref name="maxConnections"/>; prints <c>{"connections", "seconds", "errors", "perSecond"}</c>.
    /// </summary>
    public static int Run(IPEndPoint target, int workers, TimeSpan duration, long maxConnections, TextWriter output)
    {
        long done = 0;
        long errors = 0;
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            var buffer = new byte[1];
            while (clock.Elapsed < duration && Interlocked.Read(ref done) < maxConnections && Interlocked.Read(ref errors) < MaxErrors)
            {
                if (Transact(target, buffer))
                {
                    Interlocked.Increment(ref done);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var seconds = clock.Elapsed.TotalSeconds;
        var report = new JsonObject
        {
            ["connections"] = done,
            ["seconds"] = Math.Round(seconds, 3),
            ["errors"] = errors,
            ["perSecond"] = Math.Round(done / seconds, 1),
        };
        output.WriteLine(report.ToJsonString());
        return errors >= MaxErrors ? 1 : 0;
    }

    /// <summary>Parses the client's report: connections per second.</summary>
    public static double ParseRate(string output)
    {
        var report = JsonNode.Parse(output.Trim().Split('\n')[^1]) ?? throw new BenchException("connrate client printed nothing");
        if (report["errors"]?.GetValue<long>() is > 0 and var errors)
        {
            throw new BenchException($"connrate client saw {errors.ToString(CultureInfo.InvariantCulture)} failed connections");
        }

        return report["perSecond"]!.GetValue<double>();
    }

    private static bool Transact(IPEndPoint target, byte[] buffer)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = ReceiveTimeoutMs, SendTimeout = ReceiveTimeoutMs };
        try
        {
            socket.Connect(target);
            buffer[0] = 1;
            socket.Send(buffer);
            if (socket.Receive(buffer) != 1)
            {
                return false;
            }

            return socket.Receive(buffer) == 0; // EOF: the server closed
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void AcceptLoop(Socket listener)
    {
        var buffer = new byte[1];
        while (true)
        {
            Socket connection;
            try
            {
                connection = listener.Accept();
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using (connection)
            {
                try
                {
                    connection.ReceiveTimeout = ReceiveTimeoutMs;
                    if (connection.Receive(buffer) == 1)
                    {
                        connection.Send(buffer);
                    }
                }
                catch (SocketException)
                {
                    // The client gave up; count nothing here, the client reports its errors.
                }
            }
        }
    }
}
