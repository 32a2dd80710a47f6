using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plexus.Lab.Agents;

/// <summary>Talks to one agent's REST API over its unix socket.</summary>
public sealed class AgentClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    /// <summary>Creates a client for the agent listening on <paramref name="socketPath"/>.</summary>
    public AgentClient(string socketPath, TimeSpan? timeout = null)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://agent/"), Timeout = timeout ?? TimeSpan.FromSeconds(5) };
    }

    /// <summary>The socket path.</summary>
    public string SocketPath { get; }

    /// <summary>GET /v1/status; throws <see cref="HttpRequestException"/> when the agent cannot be reached.</summary>
    public async Task<JsonObject> StatusAsync(CancellationToken cancellationToken = default) =>
        (await _http.GetFromJsonAsync<JsonObject>("v1/status", cancellationToken).ConfigureAwait(false))!;

    /// <summary>GET /v1/healthz: the HTTP status code and body.</summary>
    public async Task<(int Code, JsonObject? Body)> HealthAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri("v1/healthz", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, body);
    }

    /// <summary>GET /v1/endpoints: every endpoint of the node.</summary>
    public async Task<IReadOnlyList<AgentEndpoint>> EndpointsAsync(CancellationToken cancellationToken = default) =>
        await _http.GetFromJsonAsync<List<AgentEndpoint>>("v1/endpoints", Json, cancellationToken).ConfigureAwait(false) ?? [];

    /// <summary>GET /v1/services: the node's programmed frontends with per-backend connection counts; throws <see cref="HttpRequestException"/> when the agent cannot be reached or serves none (503).</summary>
    public async Task<JsonArray> ServicesAsync(CancellationToken cancellationToken = default) =>
        await _http.GetFromJsonAsync<JsonArray>("v1/services", cancellationToken).ConfigureAwait(false) ?? [];

    /// <summary>GET <paramref name="pathAndQuery"/> (relative, e.g. <c>v1/policy/trace?…</c>): the HTTP status and the JSON body (null when not JSON).</summary>
    public async Task<(int Code, JsonNode? Body)> GetJsonAsync(string pathAndQuery, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri(pathAndQuery, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ((int)response.StatusCode, JsonNode.Parse(text));
        }
        catch (JsonException)
        {
            return ((int)response.StatusCode, null);
        }
    }

    /// <summary>POST /v1/endpoints: creates the pod's endpoint, or returns the existing one (idempotent).</summary>
    public async Task<EndpointResult> CreateEndpointAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("v1/endpoints", request, Json, cancellationToken).ConfigureAwait(false);
        return await ReadEndpointResultAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PUT /v1/endpoints/{ns}/{pod}/labels: replaces the pod's labels (its identity follows); 404 when the agent has no such endpoint.</summary>
    public async Task<EndpointResult> SetEndpointLabelsAsync(string ns, string pod, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken = default)
    {
        var path = $"v1/endpoints/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(pod)}/labels";
        using var response = await _http.PutAsJsonAsync(path, labels, Json, cancellationToken).ConfigureAwait(false);
        return await ReadEndpointResultAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<EndpointResult> ReadEndpointResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var code = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new EndpointResult(code, JsonSerializer.Deserialize<AgentEndpoint>(text, Json), null);
        }

        string? error = null;
        try
        {
            error = JsonNode.Parse(text)?["error"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not the API's JSON error shape: report the raw text below.
        }

        return new EndpointResult(code, null, error ?? (text.Length > 0 ? text : response.ReasonPhrase));
    }

    /// <summary>
    /// GET /v1/flows?<paramref name="query"/>: the node's flow stream, one JSON line each (Hubble's GetFlowsResponse);
    /// with <c>follow=true</c> the lines keep coming until <paramref name="cancellationToken"/> is cancelled. Throws
    /// <see cref="HttpRequestException"/> (with the agent's error text) when the agent refuses the query or has no datapath.
    /// </summary>
    public async IAsyncEnumerable<string> FlowsAsync(string query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("v1/flows?" + query, UriKind.Relative));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string? error = null;
            try
            {
                error = JsonNode.Parse(text)?["error"]?.GetValue<string>();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // Not the API's error shape.
            }

            throw new HttpRequestException(error ?? $"HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }

        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    /// <summary>GET /v1/flows/status: the flow ring's capacity, fill and losses.</summary>
    public async Task<JsonObject> FlowStatusAsync(CancellationToken cancellationToken = default) =>
        (await _http.GetFromJsonAsync<JsonObject>("v1/flows/status", cancellationToken).ConfigureAwait(false))!;

    /// <summary>DELETE /v1/endpoints/{ns}/{pod}: removes the pod's endpoint; returns the HTTP status (200 removed, 404 none).</summary>
    public async Task<int> DeleteEndpointAsync(string ns, string pod, CancellationToken cancellationToken = default)
    {
        var path = $"v1/endpoints/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(pod)}";
        using var response = await _http.DeleteAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
