using System.Diagnostics;
using Plexus.Integration.Tests.Support;
using Plexus.Lab.Processes;

namespace Plexus.Integration.Tests;

/// <summary>plexus-probe serve/connect as processes on loopback, per the DESIGN §5 contract.</summary>
public sealed class ProbeTests : IAsyncLifetime
{
    private readonly int _port = FreePorts.Take(1)[0];
    private Process _server = null!;

    public async Task InitializeAsync()
    {
        var info = new ProcessStartInfo(Binaries.FindPlexus("plexus-probe")!) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "serve", "--tcp", $"{_port}", "--udp", $"{_port}", "--name", "x/a" })
        {
            info.ArgumentList.Add(arg);
        }

        _server = Process.Start(info)!;
        var banner = await _server.StandardOutput.ReadLineAsync();
        Assert.StartsWith("serving as x/a", banner, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _server.Kill();
        await _server.WaitForExitAsync();
        _server.Dispose();
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Connect_prints_the_servers_name_and_exits_0(string protocol)
    {
        var result = await Cli.RunAsync("plexus-probe", ["connect", $"127.0.0.1:{_port}", "--protocol", protocol, "--timeout", "2s"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("x/a", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Connect_to_a_closed_port_exits_1(string protocol)
    {
        var closed = FreePorts.Take(1)[0];

        var result = await Cli.RunAsync("plexus-probe", ["connect", $"127.0.0.1:{closed}", "--protocol", protocol, "--timeout", "500ms"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData(new[] { "connect", "nowhere" }, "not IP:PORT")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "--protocol", "sctp" }, "not tcp or udp")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "--timeout", "soon" }, "not a duration")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "--count", "0" }, "not a number of connections")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "--count", "2", "--hold", "1s" }, "exclude each other")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "--hold", "1s", "--protocol", "udp" }, "--hold needs --protocol tcp")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "--source-port", "70000" }, "--source-port: \"70000\" is not a port")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "--source-port", "4000", "--protocol", "udp" }, "--source-port needs --protocol tcp")]
    [InlineData(new[] { "serve", "--tcp", "0" }, "not a port")]
    [InlineData(new[] { "serve" }, "at least one of --tcp or --udp")]
    [InlineData(new[] { "dance" }, "unknown command")]
    public async Task Bad_arguments_exit_2(string[] args, string reason)
    {
        var result = await Cli.RunAsync("plexus-probe", args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Count_tallies_the_replies_of_every_attempt(string protocol)
    {
        var result = await Cli.RunAsync("plexus-probe", ["connect", $"127.0.0.1:{_port}", "--protocol", protocol, "--count", "25"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var tally = System.Text.Json.Nodes.JsonNode.Parse(result.Stdout)!;
        Assert.Equal(25, tally["attempts"]!.GetValue<int>());
        Assert.Equal(25, tally["succeeded"]!.GetValue<int>());
        Assert.Equal(25, tally["replies"]!["x/a"]!.GetValue<int>());
    }

    [Fact]
    public async Task Count_reports_failures_and_exits_1()
    {
        var closed = FreePorts.Take(1)[0];

        var result = await Cli.RunAsync("plexus-probe", ["connect", $"127.0.0.1:{closed}", "--count", "3", "--timeout", "500ms"]);

        Assert.Equal(1, result.ExitCode);
        var tally = System.Text.Json.Nodes.JsonNode.Parse(result.Stdout)!;
        Assert.Equal(0, tally["succeeded"]!.GetValue<int>());
        Assert.Equal(3, tally["errors"]!["ConnectionRefused"]!.GetValue<int>());
    }

    [Fact]
    public async Task Source_port_connects_from_that_port_again_and_again()
    {
        // Three servers: one port of the client reused towards each, one after the other (their tuples differ).
        var sourcePort = FreePorts.Take(1)[0];
        var listeners = Enumerable.Range(0, 3).Select(_ => new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
                var probe = Cli.RunAsync("plexus-probe", ["connect", $"{listener.LocalEndpoint}", "--source-port", $"{sourcePort}", "--timeout", "5s"]);
                using (var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10)))
                {
                    Assert.Equal(sourcePort, ((System.Net.IPEndPoint)client.Client.RemoteEndPoint!).Port);
                    await client.GetStream().WriteAsync("x/port\n"u8.ToArray());
                }

                var result = await probe;
                Assert.True(result.ExitCode == 0, result.ToString());
                Assert.Equal("x/port", result.Stdout.Trim());
            }
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    [Fact]
    public async Task Hold_keeps_one_connection_answering_for_the_whole_duration()
    {
        var result = await Cli.RunAsync("plexus-probe", ["connect", $"127.0.0.1:{_port}", "--hold", "600ms", "--interval", "100ms", "--timeout", "5s"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var held = System.Text.Json.Nodes.JsonNode.Parse(result.Stdout)!;
        Assert.Equal("x/a", held["reply"]!.GetValue<string>());
        Assert.Equal("completed", held["end"]!.GetValue<string>());
        Assert.InRange(held["exchanges"]!.GetValue<int>(), 1, 7); // one every 100 ms at most; fewer on a loaded machine
    }

    [Fact]
    public async Task Hold_reports_a_server_that_goes_away()
    {
        var hold = Cli.RunAsync("plexus-probe", ["connect", $"127.0.0.1:{_port}", "--hold", "5s", "--interval", "50ms"]);
        await Wait.UntilAsync(() => Task.FromResult(Established(_port)), TimeSpan.FromSeconds(10), "the held connection established");
        _server.Kill();

        var result = await hold;

        Assert.Equal(1, result.ExitCode);
        var held = System.Text.Json.Nodes.JsonNode.Parse(result.Stdout)!;
        Assert.Contains(held["end"]!.GetValue<string>(), new[] { "closed", "reset" });
        Assert.True(held["elapsedMs"]!.GetValue<long>() < 4000, result.ToString());
    }

    /// <summary>Whether the kernel lists an established connection to port <paramref name="port"/> (the client's side, in /proc/net/tcp).</summary>
    private static bool Established(int port)
    {
        var remote = $":{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f[2].EndsWith(remote, StringComparison.Ordinal) && f[3] == "01");
    }
}
