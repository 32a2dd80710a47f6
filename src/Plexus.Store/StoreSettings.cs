namespace Plexus.Store;

/// <summary>The <c>store:</c> section of the agent's and the CLI's YAML config files, as users write it.</summary>
public sealed class StoreSettings
{
    /// <summary>Store URL (<c>etcd://host:port[,host:port]</c>, <c>etcds://…</c>).</summary>
    public string? Url { get; set; }

    /// <summary>PEM CA of the etcd server (TLS).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate (TLS with client-cert-auth).</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The options these settings describe, for <paramref name="url"/> as resolved by the caller (a flag may override <see cref="Url"/>).</summary>
    public StoreOptions ToOptions(string url) => new() { Url = url, CaFile = CaFile, CertFile = CertFile, KeyFile = KeyFile };
}
