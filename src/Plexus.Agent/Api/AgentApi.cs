using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Plexus.Agent.Configuration;
using Plexus.Agent.Registration;

namespace Plexus.Agent.Api;

/// <summary>The agent's REST API (served on a unix socket): health and status now, endpoints and flows later.</summary>
public static class AgentApi
{
    /// <summary>Maps the API routes.</summary>
    public static void Map(WebApplication app, AgentConfig config, AgentState state, TimeProvider timeProvider)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/healthz", () =>
        {
            var store = state.Store;
            var health = new Health(store.Connected ? "ok" : "degraded", store.Connected ? null : $"store unreachable: {store.LastError ?? "connecting"}");
            return Results.Json(health, AgentJsonContext.Default.Health, statusCode: store.Connected ? 200 : 503);
        });
        v1.MapGet("/status", () =>
        {
            var store = state.Store;
            var now = timeProvider.GetUtcNow();
            var status = new AgentStatus(
                config.Node, config.Cluster, config.ClusterId, AgentInfo.Version, Environment.ProcessId,
                state.StartedAt, (long)(now - state.StartedAt).TotalSeconds,
                new StoreView(config.Store.Url, store.Connected, store.LastError, store.Lease, store.RegisteredAt, store.Reconnects));
            return Results.Json(status, AgentJsonContext.Default.AgentStatus);
        });
    }
}
