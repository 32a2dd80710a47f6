using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Agent.ControlPlane.Services;
using System.Text.Json;
using Plexus.Agent.Datapath;
using Plexus.Agent.Endpoints;
using Plexus.Agent.Registration;

namespace Plexus.Agent.Api;

/// <summary>The agent's REST API (served on a unix socket): health, status, endpoints and services; flows later.</summary>
public static class AgentApi
{
    /// <summary>Maps the API routes.</summary>
    public static void Map(WebApplication app, AgentConfig config, AgentState state, TimeProvider timeProvider, DatapathController datapath, EndpointManager endpoints, ServiceController services, PolicyController policies)
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
                new StoreView(config.Store.Url, store.Connected, store.LastError, store.Lease, store.RegisteredAt, store.Reconnects),
                DatapathStatus.Read(config, state, datapath, endpoints));
            return Results.Json(status, AgentJsonContext.Default.AgentStatus);
        });
    
        v1.MapGet("/endpoints", () => Results.Json(endpoints.List().ToList(), AgentJsonContext.Default.ListLocalEndpoint));
        v1.MapPost("/endpoints", async (HttpRequest http, CancellationToken ct) =>
        {
            EndpointRequest? request;
            try
            {
                request = await http.ReadFromJsonAsync(AgentJsonContext.Default.EndpointRequest, ct).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Results.Json(new ApiError($"body: {e.Message}"), AgentJsonContext.Default.ApiError, statusCode: 400);
            }

            if (request is null)
            {
                return Results.Json(new ApiError("body: a JSON object is required"), AgentJsonContext.Default.ApiError, statusCode: 400);
            }

            var result = await endpoints.CreateAsync(request, ct).ConfigureAwait(false);
            return result.Endpoint is { } endpoint
                ? Results.Json(endpoint, AgentJsonContext.Default.LocalEndpoint)
                : Results.Json(new ApiError(result.Error!), AgentJsonContext.Default.ApiError, statusCode: result.Status);
        });
        v1.MapGet("/services", () => services.Active
            ? Results.Json(services.List().Select(ServiceFrontendView.From).ToList(), AgentJsonContext.Default.ListServiceFrontendView)
            : Results.Json(new ApiError("the datapath is not running on this node: no services are served"), AgentJsonContext.Default.ApiError, statusCode: 503));
        v1.MapGet("/services/sync", () => Results.Json(services.State, AgentJsonContext.Default.ServiceSyncState));
        PolicyTraceApi.Map(v1, config.Node, policies, datapath);
        v1.MapDelete("/endpoints/{ns}/{pod}", async (string ns, string pod, CancellationToken ct) =>
            await endpoints.DeleteAsync(ns, pod, ct).ConfigureAwait(false)
                ? Results.Ok()
                : Results.Json(new ApiError($"endpoint {ns}/{pod} not found"), AgentJsonContext.Default.ApiError, statusCode: 404));
        v1.MapPut("/endpoints/{ns}/{pod}/labels", async (string ns, string pod, HttpRequest http, CancellationToken ct) =>
        {
            Dictionary<string, string>? labels;
            try
            {
                labels = await http.ReadFromJsonAsync(AgentJsonContext.Default.DictionaryStringString, ct).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Results.Json(new ApiError($"body: {e.Message}"), AgentJsonContext.Default.ApiError, statusCode: 400);
            }

            if (labels is null)
            {
                return Results.Json(new ApiError("body: a JSON object of labels is required"), AgentJsonContext.Default.ApiError, statusCode: 400);
            }

            var result = await endpoints.RelabelAsync(ns, pod, labels, ct).ConfigureAwait(false);
            return result.Endpoint is { } endpoint
                ? Results.Json(endpoint, AgentJsonContext.Default.LocalEndpoint)
                : Results.Json(new ApiError(result.Error!), AgentJsonContext.Default.ApiError, statusCode: result.Status);
        });
    }
}
