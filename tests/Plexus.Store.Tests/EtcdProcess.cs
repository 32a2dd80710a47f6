using Plexus.Lab.Processes;

namespace Plexus.Store.Tests;

/// <summary>
/// An <see cref="EtcdServer"/> for store tests, in its own temporary directory; with TLS it also creates a CA, a server
/// certificate and a client certificate, and the server requires client certificates.
/// </summary>
public sealed class EtcdProcess : IDisposable
{
    private readonly EtcdServer _server;

    /// <summary>Prepares (does not start) an etcd; with <paramref name="tls"/> its client port speaks TLS and requires client certificates.</summary>
    public EtcdProcess(bool tls = false)
    {
        WorkDirectory = Directory.CreateTempSubdirectory("plexus-etcd-").FullName;
        EtcdTls? serverTls = null;
        if (tls)
        {
            CertificateAuthority = new TestCertificateAuthority("plexus-test-ca");
            var caFile = CertificateAuthority.WriteCertificate(Path.Combine(WorkDirectory, "ca.pem"));
            var server = CertificateAuthority.IssueServer(WorkDirectory, "server");
            serverTls = new EtcdTls(caFile, server.CertFile, server.KeyFile);
        }

        _server = new EtcdServer(Path.Combine(WorkDirectory, "etcd"), serverTls);
        StoreOptions = new StoreOptions { Url = _server.StoreUrl };
        if (serverTls is not null)
        {
            var client = CertificateAuthority!.IssueClient(WorkDirectory, "client");
            StoreOptions = StoreOptions with { CaFile = serverTls.CaFile, CertFile = client.CertFile, KeyFile = client.KeyFile };
        }
    }

    /// <summary>The client endpoint, <c>127.0.0.1:port</c>.</summary>
    public string Endpoint => _server.Endpoint;

    /// <summary>The store URL: <c>etcd://127.0.0.1:port</c>, or <c>etcds://…</c> with TLS.</summary>
    public string Url => _server.StoreUrl;

    /// <summary>The client port.</summary>
    public int ClientPort => _server.ClientPort;

    /// <summary>Options that reach this etcd; with TLS they carry the CA and a valid client certificate.</summary>
    public StoreOptions StoreOptions { get; }

    /// <summary>The CA that signed the server and client certificates (TLS only); it can issue more client certificates.</summary>
    public TestCertificateAuthority? CertificateAuthority { get; }

    /// <summary>The temporary directory holding the data directory and certificates; deleted on dispose.</summary>
    public string WorkDirectory { get; }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _server.IsRunning;

    /// <summary>The last lines etcd wrote, for diagnostics.</summary>
    public string RecentLog => _server.RecentLog;

    /// <summary>Creates an etcd and starts it.</summary>
    public static async Task<EtcdProcess> StartNewAsync(bool tls = false, CancellationToken cancellationToken = default)
    {
        var etcd = new EtcdProcess(tls);
        try
        {
            await etcd.StartAsync(cancellationToken);
            return etcd;
        }
        catch
        {
            etcd.Dispose();
            throw;
        }
    }

    /// <summary>Starts etcd (again, on the same data directory and ports) and waits until it reports healthy.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _server.StartAsync(cancellationToken);

    /// <summary>Kills etcd (like a crash) and waits for it to exit.</summary>
    public void Stop() => _server.Stop();

    /// <summary>Kills etcd and deletes its directory.</summary>
    public void Dispose()
    {
        try
        {
            _server.Dispose();
        }
        finally
        {
            CertificateAuthority?.Dispose();
            if (Directory.Exists(WorkDirectory))
            {
                Directory.Delete(WorkDirectory, recursive: true);
            }
        }
    }
}
