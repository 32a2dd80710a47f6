namespace Plexus.Store;

/// <summary>How to reach the store: <c>memory://</c>, or <c>etcd://host:port[,host:port]</c> / <c>etcds://…</c> with TLS files.</summary>
public sealed record StoreOptions
{
    /// <summary>Store URL: <c>etcd://127.0.0.1:2379</c>, <c>etcds://…</c> for TLS, or <c>memory://</c>.</summary>
    public required string Url { get; init; }

    /// <summary>PEM file of the CA that signed the etcd server certificate (TLS only).</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate presented to etcd (TLS with client-cert-auth).</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// Opens the connection to an etcd endpoint instead of a plain TCP connect; labs use it to reach an etcd that
    /// listens inside a network namespace. Null: connect normally.
    /// </summary>
    public Func<System.Net.Http.SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? ConnectCallback { get; init; }

    /// <summary>Timeout of one unary request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
