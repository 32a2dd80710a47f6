using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Plexus.Agent.Configuration;
using Plexus.Agent.Flows;
using Plexus.Flows;

namespace Plexus.Agent.Api;

/// <summary>
/// <c>GET /v1/flows?…</c>: the node's flows as JSON lines in Hubble's <c>GetFlowsResponse</c> shape (filters, <c>last</c>,
/// <c>since</c>/<c>until</c>, <c>follow</c>: see <see cref="FlowQuery"/>), with lost-events lines whenever losses grew;
/// <c>GET /v1/flows/status</c>: the ring's capacity and fill and the losses by source.
/// </summary>
public static class FlowsApi
{
    private static readonly TimeSpan LostReportInterval = TimeSpan.FromSeconds(1);

    /// <summary>Maps the routes.</summary>
    public static void Map(WebApplication app, AgentConfig config, FlowObserver observer)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(observer);
        var node = $"{config.Cluster}/{config.Node}";
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/flows/status", () => Results.Json(
            new FlowStatus(observer.Active, observer.Ring.Capacity, observer.Ring.Count, observer.Ring.Added, [.. observer.Lost()]),
            AgentJsonContext.Default.FlowStatus));
        v1.MapGet("/flows", async (HttpContext http) =>
        {
            var errors = new List<string>();
            var query = FlowQuery.Parse(http.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))), errors);
            if (errors.Count > 0)
            {
                await Results.Json(new ApiError(string.Join("; ", errors)), AgentJsonContext.Default.ApiError, statusCode: 400).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            if (!observer.Active)
            {
                await Results.Json(new ApiError("the datapath is not running on this node: no flows are observed"), AgentJsonContext.Default.ApiError, statusCode: 503).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            await StreamAsync(http, node, observer, query).ConfigureAwait(false);
        });
    }

    private static async Task StreamAsync(HttpContext http, string node, FlowObserver observer, FlowQuery query)
    {
        var cancellationToken = http.RequestAborted;
        http.Response.ContentType = "application/x-ndjson";
        var body = http.Response.Body;
        var reported = observer.Lost().ToDictionary(l => l.Source, l => l.NumEventsLost);
        if (!query.Follow)
        {
            foreach (var flow in observer.Ring.Snapshot(query))
            {
                await WriteAsync(body, new FlowResponse { Flow = flow, NodeName = node, Time = flow.Time }, cancellationToken).ConfigureAwait(false);
            }

            // A snapshot states the losses so far: the client cannot tell otherwise that the ring is incomplete.
            foreach (var lost in observer.Lost().Where(l => l.NumEventsLost > 0))
            {
                await WriteAsync(body, new FlowResponse { LostEvents = lost, NodeName = node, Time = DateTimeOffset.UtcNow }, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var (stored, follower) = observer.Ring.Follow(query);
        using (follower)
        {
            try
            {
                foreach (var flow in stored)
                {
                    await WriteAsync(body, new FlowResponse { Flow = flow, NodeName = node, Time = flow.Time }, cancellationToken).ConfigureAwait(false);
                }

                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                var reader = follower.Reader;
                while (!cancellationToken.IsCancellationRequested)
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    tick.CancelAfter(LostReportInterval);
                    try
                    {
                        while (await reader.WaitToReadAsync(tick.Token).ConfigureAwait(false))
                        {
                            while (reader.TryRead(out var flow))
                            {
                                await WriteAsync(body, new FlowResponse { Flow = flow, NodeName = node, Time = flow.Time }, cancellationToken).ConfigureAwait(false);
                            }

                            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                        }

                        return;
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The report interval: say what was lost since the last report.
                    }

                    foreach (var lost in observer.Lost())
                    {
                        var before = reported.GetValueOrDefault(lost.Source);
                        if (lost.NumEventsLost > before)
                        {
                            reported[lost.Source] = lost.NumEventsLost;
                            await WriteAsync(body, new FlowResponse { LostEvents = lost with { NumEventsLost = lost.NumEventsLost - before }, NodeName = node, Time = DateTimeOffset.UtcNow },
                                cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client went away.
            }
        }
    }

    private static async Task WriteAsync(Stream body, FlowResponse response, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(response, FlowsJsonContext.Default.FlowResponse);
        await body.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await body.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
    }

    private static readonly byte[] NewLine = Encoding.ASCII.GetBytes("\n");
}
