using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Serves <c>GET /metrics</c> over TCP on every address of the agent's network namespace (Cilium's agent uses 9962).
/// It is a web host of its own, apart from the REST API on the unix socket, so the TCP port exposes nothing but the
/// metrics, and a port that cannot be bound costs the metrics, not the agent: the failure is logged and the agent runs on.
/// </summary>
public sealed partial class MetricsServer(int port, MetricsExporter exporter, ILogger<MetricsServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The port it listens on (the bound one when configured as 0 by a test through <see cref="Bind"/>).</summary>
    public int Port { get; private set; } = port;

    /// <summary>Binds an ephemeral port instead of the configured one (tests).</summary>
    internal IPEndPoint? Bind { get; init; }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(AgentWebHost.Options("plexus-agent-metrics"));
        builder.Logging.ClearProviders();

        // The agent's host owns SIGTERM; this inner host is started and stopped by it.
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            if (Bind is { } endpoint)
            {
                k.Listen(endpoint);
            }
            else
            {
                k.ListenAnyIP(Port);
            }
        });
        var app = builder.Build();
        app.MapGet("/metrics", (HttpContext http) =>
        {
            string text;
            try
            {
                text = exporter.Scrape();
            }
            catch (Exception e)
            {
                LogScrapeFailed(logger, e.Message);
                return Results.Text($"scrape failed: {e.Message}\n", "text/plain", statusCode: 500);
            }

            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(text, MetricsWriter.ContentType);
        });
        app.MapGet("/", () => Results.Text("plexus-agent metrics: GET /metrics\n", "text/plain"));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            LogListenFailed(logger, Port, e.Message);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        if (Bind is not null)
        {
            var address = app.Urls.Select(u => new Uri(u)).First();
            Port = address.Port;
        }

        _app = app;
        LogListening(logger, Port);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Prometheus metrics on port {Port}, path /metrics")]
    private static partial void LogListening(ILogger logger, int port);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Error, Message = "Metrics port {Port} could not be opened; the agent runs without metrics: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, int port, string reason);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "A metrics scrape failed: {Reason}")]
    private static partial void LogScrapeFailed(ILogger logger, string reason);

    /// <summary>A lifetime that neither waits for nor listens to signals.</summary>
    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
