extern alias plexuscli;

using System.Diagnostics;
using System.Net;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using plexuscli::Plexus.Cli.Bench;

namespace Plexus.Integration.Tests;

/// <summary>The latency scenario's ping-pong tool: its arguments, its figures, and real round trips to servers in two namespaces.</summary>
public sealed class PingPongTests
{
    [Theory]
    [InlineData("10.1.2.3:80", null, "10.1.2.3:80")]
    [InlineData("plxb-c=10.1.2.3:11111", "plxb-c", "10.1.2.3:11111")]
    public void A_target_is_an_address_optionally_behind_a_namespace(string text, string? netns, string endpoint)
    {
        var target = NetnsEndpoint.Parse(text);
        Assert.Equal(new NetnsEndpoint(netns, IPEndPoint.Parse(endpoint)), target);
        Assert.Equal(text, target!.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.1.2.3")]
    [InlineData("10.1.2.3:0")]
    [InlineData("ns=")]
    [InlineData("ns=host:80")]
    [InlineData("=10.1.2.3:80")]
    public void Anything_else_is_not_a_target(string text) => Assert.Null(NetnsEndpoint.Parse(text));

    [Fact]
    public void Figures_are_nearest_rank_percentiles_in_microseconds_and_the_rate_over_the_time_spent()
    {
        var perMicrosecond = Stopwatch.Frequency / 1_000_000;
        var ticks = Enumerable.Range(1, 200).Reverse().Select(us => us * perMicrosecond).ToArray();

        var figures = PingPong.Figures(ticks, Stopwatch.Frequency / 2);

        Assert.Equal(new PingPongFigures(P50: 100, P99: 198, PerSecond: 400, Count: 200), figures);
        Assert.Throws<BenchException>(() => PingPong.Figures([], Stopwatch.Frequency));
    }

    [Fact]
    public void Sample_lines_are_parsed_in_target_order_and_other_lines_are_not_samples()
    {
        var figures = PingPong.ParseSample("""{"sample":3,"targets":[{"p50":35.1,"p99":80,"perSecond":27000.5,"count":13500},{"p50":36,"p99":82.5,"perSecond":26500,"count":13250}]}""");

        Assert.Equal([new PingPongFigures(35.1, 80, 27000.5, 13500), new PingPongFigures(36, 82.5, 26500, 13250)], figures);
        Assert.Null(PingPong.ParseSample("warming up"));
    }

    [Fact]
    [Trait("Category", "Privileged")]
    public void The_client_measures_each_target_from_inside_its_namespace_in_every_sample()
    {
        var name = $"plxt-pp-{Guid.NewGuid():N}"[..16];
        NetNs.Create(name);
        try
        {
            using var netns = NetNs.Open(name);
            NetNs.Run(netns, () =>
            {
                using var rtnl = new RtNetlink();
                rtnl.SetUp("lo");
            });
            using var inside = NetNs.Run(netns, () => PingPongServer.Start(new IPEndPoint(IPAddress.Loopback, 0)));
            using var here = PingPongServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
            using var output = new StringWriter();

            var exit = PingPong.Run(
                [new NetnsEndpoint(name, new IPEndPoint(IPAddress.Loopback, inside.Port)), new NetnsEndpoint(null, new IPEndPoint(IPAddress.Loopback, here.Port))],
                samples: 3, sampleDuration: TimeSpan.FromMilliseconds(200), slice: TimeSpan.FromMilliseconds(20), output);

            Assert.Equal(0, exit);
            Assert.Equal((1, 1), (inside.Accepted, here.Accepted)); // one connection each, the first opened inside the namespace
            var samples = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(PingPong.ParseSample).ToList();
            Assert.Equal(3, samples.Count);
            Assert.All(samples, sample =>
            {
                Assert.Equal(2, sample!.Count);
                Assert.All(sample, f => Assert.True(f.Count > 0 && f.P50 > 0 && f.P50 <= f.P99 && f.PerSecond > 0, f.ToString()));
            });
        }
        finally
        {
            NetNs.Delete(name);
        }
    }

    [Fact]
    [Trait("Category", "Privileged")]
    public void A_target_nobody_listens_on_is_an_error_naming_it()
    {
        using var output = new StringWriter();
        var e = Assert.Throws<BenchException>(() => PingPong.Run([new NetnsEndpoint(null, new IPEndPoint(IPAddress.Loopback, 9))], 1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20), output));
        Assert.Contains("cannot connect to 127.0.0.1:9", e.Message, StringComparison.Ordinal);
    }
}
