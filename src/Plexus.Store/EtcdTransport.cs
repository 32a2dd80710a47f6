using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Plexus.Store;

/// <summary>
/// Posts JSON to the etcd v3 gateway of one of several endpoints, failing over on connection errors,
/// over plain HTTP or TLS with a private CA and a client certificate.
/// </summary>
internal sealed class EtcdTransport : IDisposable
{
    private readonly IReadOnlyList<Uri> _endpoints;
    private readonly TimeSpan _requestTimeout;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly X509Certificate2Collection _certificates = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _preferred;

    /// <summary>Parses <see cref="StoreOptions.Url"/> and prepares the HTTP client (and TLS material for etcds://).</summary>
    public EtcdTransport(StoreOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero);
        (_endpoints, var tls) = ParseUrl(options.Url);
        _requestTimeout = options.RequestTimeout;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            // Shorter than the request timeout, so a connect timeout is told apart from a slow answer.
            ConnectTimeout = options.RequestTimeout / 2,
            ConnectCallback = options.ConnectCallback,
        };
        if (tls)
        {
            handler.SslOptions = CreateTlsOptions(options);
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The endpoints, as http:// or https:// base addresses.</summary>
    public IReadOnlyList<Uri> Endpoints => _endpoints;

    /// <summary>A token cancelled when the transport is disposed.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Posts a request and reads its JSON answer. A request that never reached an endpoint is retried on the next one;
    /// one that failed after being sent is retried only when <paramref name="idempotent"/>, since a write may have applied.
    /// </summary>
    /// <exception cref="StoreUnavailableException">No endpoint answered, or one failed with a server error.</exception>
    /// <exception cref="LeaseNotFoundException">etcd reported that the request's lease does not exist.</exception>
    /// <exception cref="InvalidOperationException">etcd rejected the request.</exception>
    public async Task<TResponse> PostAsync<TRequest, TResponse>(
        string path,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        bool idempotent,
        CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        Exception? lastError = null;
        var first = Volatile.Read(ref _preferred);
        for (var attempt = 0; attempt < _endpoints.Count; attempt++)
        {
            var index = (first + attempt) % _endpoints.Count;
            var endpoint = _endpoints[index];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            timeout.CancelAfter(_requestTimeout);
            var sent = false;
            string reason;
            try
            {
                using var response = await _http.PostAsync(
                    new Uri(endpoint, path), JsonContent.Create(request, requestType), timeout.Token).ConfigureAwait(false);
                sent = true;
                if (response.IsSuccessStatusCode)
                {
                    var answer = await response.Content.ReadFromJsonAsync(responseType, timeout.Token).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"etcd at {endpoint.Authority} answered {path} with an empty body.");
                    Volatile.Write(ref _preferred, index);
                    return answer;
                }

                var error = await ReadErrorAsync(response, timeout.Token).ConfigureAwait(false);
                if ((int)response.StatusCode < 500)
                {
                    throw error.Code == 5 && error.Message?.Contains("lease not found", StringComparison.Ordinal) == true
                        ? new LeaseNotFoundException($"etcd at {endpoint.Authority}: {error.Message}")
                        : new InvalidOperationException($"etcd at {endpoint.Authority} rejected {path}: {error.Message ?? response.ReasonPhrase}");
                }

                reason = $"HTTP {(int)response.StatusCode}: {error.Message ?? response.ReasonPhrase}";
            }
            catch (HttpRequestException e)
            {
                sent |= e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                    or HttpRequestError.SecureConnectionError);
                (reason, lastError) = (Describe(e), e);
            }
            catch (IOException e)
            {
                (sent, reason, lastError) = (true, Describe(e), e);
            }
            catch (JsonException e)
            {
                (sent, reason, lastError) = (true, $"unreadable answer: {e.Message}", e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
            {
                // Only the handler's connect timeout cancels before our own timeout fires.
                sent |= timeout.IsCancellationRequested;
                (reason, lastError) = (sent ? $"no answer within {_requestTimeout}" : "connect timed out", e);
            }

            EtcdLog.EndpointFailed(_logger, endpoint.Authority, path, reason);
            Volatile.Write(ref _preferred, (index + 1) % _endpoints.Count);
            if (sent && !idempotent)
            {
                throw new StoreUnavailableException(
                    $"etcd at {endpoint.Authority} failed {path} ({reason}); the write may or may not have been applied.", lastError);
            }

            failures.Add($"{endpoint.Authority}: {reason}");
        }

        throw new StoreUnavailableException($"etcd is unavailable for {path}: {string.Join("; ", failures)}", lastError);
    }

    /// <summary>
    /// Opens a streaming POST on the first endpoint that answers, returning once the response headers arrived;
    /// the caller owns the response and reads its body with its own token.
    /// </summary>
    /// <exception cref="StoreUnavailableException">No endpoint accepted the stream.</exception>
    public async Task<(HttpResponseMessage Response, Uri Endpoint)> OpenStreamAsync<TRequest>(
        string path, TRequest request, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        Exception? lastError = null;
        var first = Volatile.Read(ref _preferred);
        for (var attempt = 0; attempt < _endpoints.Count; attempt++)
        {
            var index = (first + attempt) % _endpoints.Count;
            var endpoint = _endpoints[index];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            timeout.CancelAfter(_requestTimeout);
            string reason;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path))
                {
                    Content = JsonContent.Create(request, requestType),
                };
                var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Volatile.Write(ref _preferred, index);
                    return (response, endpoint);
                }

                using (response)
                {
                    var error = await ReadErrorAsync(response, timeout.Token).ConfigureAwait(false);
                    reason = $"HTTP {(int)response.StatusCode}: {error.Message ?? response.ReasonPhrase}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException
                || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested))
            {
                (reason, lastError) = (e is OperationCanceledException ? $"no answer within {_requestTimeout}" : Describe(e), e);
            }

            Volatile.Write(ref _preferred, (index + 1) % _endpoints.Count);
            failures.Add($"{endpoint.Authority}: {reason}");
        }

        throw new StoreUnavailableException($"etcd is unavailable for {path}: {string.Join("; ", failures)}", lastError);
    }

    /// <summary>Cancels outstanding calls and releases the HTTP client and certificates.</summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _http.Dispose();
        foreach (var certificate in _certificates)
        {
            certificate.Dispose();
        }
    }

    /// <summary>Splits <c>etcd://h1:p1,h2:p2</c> or <c>etcds://…</c> into base addresses; true for TLS.</summary>
    public static (IReadOnlyList<Uri> Endpoints, bool Tls) ParseUrl(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var separator = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator < 0 ? string.Empty : url[..separator].ToLowerInvariant();
        if (scheme is not ("etcd" or "etcds"))
        {
            throw new ArgumentException($"Not an etcd URL (etcd://host:port[,host:port] or etcds://…): '{url}'.", nameof(url));
        }

        var tls = scheme == "etcds";
        var endpoints = url[(separator + 3)..].TrimEnd('/')
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(hostPort => Uri.TryCreate($"{(tls ? "https" : "http")}://{hostPort}/", UriKind.Absolute, out var uri)
                && uri.AbsolutePath == "/" && !hostPort.Contains('@', StringComparison.Ordinal)
                ? uri
                : throw new ArgumentException($"Bad etcd endpoint '{hostPort}' in '{url}'.", nameof(url)))
            .ToList();
        return endpoints.Count > 0 ? (endpoints, tls) : throw new ArgumentException($"No etcd endpoint in '{url}'.", nameof(url));
    }

    // HttpClient's messages are generic ("An error occurred while sending the request"); the root cause says more.
    private static string Describe(Exception error)
    {
        var root = error;
        while (root.InnerException is not null)
        {
            root = root.InnerException;
        }

        return root == error || root.Message == error.Message ? error.Message : $"{error.Message} ({root.Message})";
    }

    private static async Task<EtcdError> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, EtcdJsonContext.Default.EtcdError) ?? new EtcdError(null, null, 0);
        }
        catch (JsonException)
        {
            return new EtcdError(null, body.Length > 0 ? body : null, 0);
        }
    }

    private SslClientAuthenticationOptions CreateTlsOptions(StoreOptions options)
    {
        var tls = new SslClientAuthenticationOptions();
        if (options.CaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);
            _certificates.AddRange(roots);
            tls.RemoteCertificateValidationCallback = (_, certificate, presented, errors) => IsTrusted(roots, certificate, presented, errors);
        }

        if (options.CertFile is not null)
        {
            var client = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
            _certificates.Add(client);
            tls.ClientCertificates = [client];
            tls.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }

        return tls;
    }

    // The server must chain to one of the configured roots (and only those), and match the host name.
    private static bool IsTrusted(
        X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2;
        using var loaded = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        return chain.Build(leaf ?? loaded!);
    }
}
