namespace Plexus.Model;

/// <summary>TLS settings of a port rule (<c>terminatingTLS</c>/<c>originatingTLS</c>).</summary>
public sealed record TlsContext
{
    /// <summary>Secret holding the certificates.</summary>
    public required SecretReference Secret { get; init; }

    /// <summary>Key in the secret of the trusted CA bundle.</summary>
    public string? TrustedCA { get; init; }

    /// <summary>Key in the secret of the certificate.</summary>
    public string? Certificate { get; init; }

    /// <summary>Key in the secret of the private key.</summary>
    public string? PrivateKey { get; init; }
}
