using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Plexus.Interop.Namespaces;

namespace Plexus.Cli.Bench;

/// <summary>One side's figures in one ping-pong sample.</summary>
/// <param name="P50">Median round trip, µs.</param>
/// <param name="P99">99th percentile round trip, µs.</param>
/// <param name="PerSecond">Round trips per second of the time spent on this side.</param>
/// <param name="Count">Round trips measured.</param>
public sealed record PingPongFigures(double P50, double P99, double PerSecond, long Count);

/// <summary>
/// The latency tool, run as hidden <c>plexus bench pingpong-server|pingpong-client</c>: TCP ping-pong of one
/// 14-byte message (sockperf's default size) at a time, the round trip timed from the send to the last byte of the
/// echo. The client holds one connection per target, each opened inside its target's namespace, and alternates
/// between them in short slices, so every target is measured under the same host conditions, milliseconds apart:
/// on a shared VM the host's speed changes between runs seconds apart by more than the datapaths differ.
/// </summary>
public static class PingPong
{
    /// <summary>The message size, as sockperf's default.</summary>
    public const int MessageSize = 14;

    private const int TimeoutMs = 2000;
    private const int MaxRoundTrips = 1_000_000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(200);

    /// <summary>Echoes what every connection on TCP <paramref name="port"/> sends until <paramref name="lifetime"/> ends.</summary>
    public static int Serve(int port, TimeSpan lifetime)
    {
        using var server = PingPongServer.Start(new IPEndPoint(IPAddress.Any, port));
        Thread.Sleep(lifetime);
        return 0;
    }

    /// <summary>
    /// Measures <paramref name="samples"/> samples of <paramref name="sampleDuration"/> each, split evenly over the
    /// targets in alternating slices of <paramref name="slice"/> (the target that starts alternates from sample to
    /// sample). Prints one JSON line per sample: <c>{"sample", "targets": [{"p50", "p99", "perSecond", "count"}]}</c>.
    /// </summary>
    public static int Run(IReadOnlyList<NetnsEndpoint> targets, int samples, TimeSpan sampleDuration, TimeSpan slice, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfZero(targets.Count);
        var sockets = new List<Socket>();
        try
        {
            foreach (var target in targets)
            {
                sockets.Add(Connect(target));
            }

            var message = new byte[MessageSize];
            var reply = new byte[MessageSize];
            var rtts = targets.Select(_ => new long[MaxRoundTrips]).ToArray();
            var counts = new int[targets.Count];
            var spent = new long[targets.Count];
            foreach (var socket in sockets)
            {
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < WarmUp)
                {
                    RoundTrip(socket, message, reply);
                }
            }

            var perTarget = sampleDuration / targets.Count;
            var slices = Math.Max(1, (int)Math.Round(perTarget / slice));
            var sliceTicks = (long)(perTarget.TotalSeconds / slices * Stopwatch.Frequency);
            for (var sample = 1; sample <= samples; sample++)
            {
                Array.Clear(counts);
                Array.Clear(spent);
                for (var round = 0; round < slices; round++)
                {
                    for (var k = 0; k < targets.Count; k++)
                    {
                        var t = (k + sample - 1) % targets.Count;
                        var start = Stopwatch.GetTimestamp();
                        var end = start + sliceTicks;
                        var now = start;
                        while (now < end && counts[t] < MaxRoundTrips)
                        {
                            var sent = now;
                            RoundTrip(sockets[t], message, reply);
                            now = Stopwatch.GetTimestamp();
                            rtts[t][counts[t]++] = now - sent;
                        }

                        spent[t] += now - start;
                    }
                }

                var figures = new JsonArray();
                for (var t = 0; t < targets.Count; t++)
                {
                    var f = Figures(rtts[t].AsSpan(0, counts[t]), spent[t]);
                    figures.Add(new JsonObject { ["p50"] = f.P50, ["p99"] = f.P99, ["perSecond"] = f.PerSecond, ["count"] = f.Count });
                }

                output.WriteLine(new JsonObject { ["sample"] = sample, ["targets"] = figures }.ToJsonString());
                output.Flush();
            }

            return 0;
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>The figures of round trips <paramref name="ticks"/> (Stopwatch ticks) measured over <paramref name="spentTicks"/>; percentiles by nearest rank.</summary>
    public static PingPongFigures Figures(ReadOnlySpan<long> ticks, long spentTicks)
    {
        if (ticks.IsEmpty || spentTicks <= 0)
        {
            throw new BenchException("a ping-pong sample measured no round trip");
        }

        var microsecondsPerTick = 1e6 / Stopwatch.Frequency;
        var microseconds = new double[ticks.Length];
        for (var i = 0; i < ticks.Length; i++)
        {
            microseconds[i] = ticks[i] * microsecondsPerTick;
        }

        return new PingPongFigures(
            Math.Round(BenchResult.Percentile(microseconds, 50), 3),
            Math.Round(BenchResult.Percentile(microseconds, 99), 3),
            Math.Round(ticks.Length / (spentTicks / (double)Stopwatch.Frequency), 1),
            ticks.Length);
    }

    /// <summary>Parses one sample line of the client: the figures per target, in target order; null for a line that is not a sample.</summary>
    public static IReadOnlyList<PingPongFigures>? ParseSample(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.StartsWith("{\"sample\"", StringComparison.Ordinal))
        {
            return null;
        }

        var targets = JsonNode.Parse(line)?["targets"]?.AsArray() ?? throw new BenchException($"ping-pong sample without targets: {line}");
        return [.. targets.Select(t => new PingPongFigures(
            t!["p50"]!.GetValue<double>(), t["p99"]!.GetValue<double>(), t["perSecond"]!.GetValue<double>(), t["count"]!.GetValue<long>()))];
    }

    private static Socket Connect(NetnsEndpoint target)
    {
        Socket Open()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = TimeoutMs, SendTimeout = TimeoutMs };
            try
            {
                socket.Connect(target.Endpoint);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        try
        {
            if (target.Netns is null)
            {
                return Open();
            }

            using var netns = NetNs.Open(target.Netns);
            return NetNs.Run(netns, Open);
        }
        catch (SocketException e)
        {
            throw new BenchException($"ping-pong: cannot connect to {target}: {e.Message}");
        }
    }

    private static void RoundTrip(Socket socket, byte[] message, byte[] reply)
    {
        if (socket.Send(message) != MessageSize)
        {
            throw new BenchException("ping-pong: short send");
        }

        var received = 0;
        while (received < MessageSize)
        {
            var n = socket.Receive(reply, received, MessageSize - received, SocketFlags.None);
            if (n == 0)
            {
                throw new BenchException("ping-pong: the server closed the connection");
            }

            received += n;
        }
    }
}

/// <summary>The echo server of <see cref="PingPong"/>: one thread per connection sends back what it receives.</summary>
public sealed class PingPongServer : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _connections = [];
    private volatile bool _disposed;
    private int _accepted;

    private PingPongServer(Socket listener) => _listener = listener;

    /// <summary>How many connections it has accepted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Listens on <paramref name="endpoint"/> (port 0: any free port) and serves until disposed.</summary>
    public static PingPongServer Start(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endpoint);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var server = new PingPongServer(listener);
        new Thread(server.AcceptLoop) { IsBackground = true, Name = "pingpong accept" }.Start();
        return server;
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
            _connections.Clear();
        }
    }

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                continue; // the loop ends once disposed
            }

            lock (_connections)
            {
                if (_disposed)
                {
                    connection.Dispose();
                    return;
                }

                _connections.Add(connection);
                Interlocked.Increment(ref _accepted);
            }

            new Thread(() => Echo(connection)) { IsBackground = true, Name = "pingpong echo" }.Start();
        }
    }

    private static void Echo(Socket connection)
    {
        connection.NoDelay = true;
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = connection.Receive(buffer);
                if (n == 0)
                {
                    return;
                }

                connection.Send(buffer, 0, n, SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client went away, or the server was disposed.
        }
        finally
        {
            connection.Dispose();
        }
    }
}
