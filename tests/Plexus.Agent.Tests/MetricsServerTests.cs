using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Metrics;

namespace Plexus.Agent.Tests;

/// <summary>The metrics endpoint over TCP: serves only /metrics, and a port that is taken does not stop the agent.</summary>
public sealed class MetricsServerTests
{
    [Fact]
    public async Task Metrics_are_served_over_http_in_text_format_0_0_4()
    {
        await using var server = Server(new IPEndPoint(IPAddress.Loopback, 0));
        await server.StartAsync(CancellationToken.None);
        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/metrics"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            var samples = MetricsTextFormat.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(5, MetricsTextFormat.Value(samples, "plexus_endpoints"));

            using var other = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/v1/status"));
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_logged_and_does_not_throw()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var endpoint = (IPEndPoint)taken.LocalEndpoint;

        await using var server = Server(endpoint);
        await server.StartAsync(CancellationToken.None);
        await server.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_host_watches_no_files()
    {
        // ASP.NET's default reloads appsettings.json through a recursive watcher on the content root (the current
        // directory: "/" under the lab supervisor, ~39,000 inotify watches). The agent's hosts watch nothing.
        var before = InotifyWatches();
        await using var server = Server(new IPEndPoint(IPAddress.Loopback, 0));
        await server.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(before, InotifyWatches());
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }
    }

    // The inotify watches this process holds: one "inotify wd:" line per watch in the fdinfo of its inotify descriptors.
    private static int InotifyWatches() =>
        Directory.EnumerateFiles("/proc/self/fdinfo").Sum(file =>
        {
            try
            {
                return File.ReadLines(file).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return 0; // closed meanwhile
            }
        });

    private static MetricsServer Server(IPEndPoint bind) =>
        new(0, new MetricsExporter([new Endpoints()], NullLogger<MetricsExporter>.Instance), NullLogger<MetricsServer>.Instance) { Bind = bind };

    private sealed class Endpoints : IMetricsCollector
    {
        public string Name => "test";

        public void Collect(MetricsWriter writer) => writer.Add(MetricCatalogue.Endpoints, 5);
    }
}
