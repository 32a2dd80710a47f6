namespace Plexus.Lab.Processes;

/// <summary>The command line and environment of a single-member etcd, shared by <see cref="EtcdServer"/> and lab clusters.</summary>
public static class EtcdCommand
{
    /// <summary>The etcd binary (Debian's <c>etcd-server</c>), or an error saying how to install it.</summary>
    public static string Binary() =>
        Binaries.FindOnPath("etcd") ?? throw new InvalidOperationException("etcd is not installed (Debian package etcd-server)");

    /// <summary>
    /// Arguments of a one-member cluster named <paramref name="member"/> with its data in <paramref name="dataDirectory"/>,
    /// serving clients on <paramref name="clientUrl"/> and its peer port on <paramref name="peerUrl"/>; metrics (with
    /// <c>/health</c>) on <paramref name="metricsUrl"/> when given, and TLS with client certificates when <paramref name="tls"/> is set.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string member, string dataDirectory, string clientUrl, string peerUrl, string? metricsUrl = null, EtcdTls? tls = null) =>
    [
        "--name", member,
        "--data-dir", dataDirectory,
        "--listen-client-urls", clientUrl,
        "--advertise-client-urls", clientUrl,
        "--listen-peer-urls", peerUrl,
        "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", $"{member}={peerUrl}",
        .. metricsUrl is null ? [] : (string[])["--listen-metrics-urls", metricsUrl],
        "--auto-compaction-retention", "0",
        "--logger", "zap",
        "--log-outputs", "stderr",
        .. tls is null ? [] : (string[])["--cert-file", tls.CertFile, "--key-file", tls.KeyFile, "--trusted-ca-file", tls.CaFile, "--client-cert-auth"],
    ];

    /// <summary>Removes inherited <c>ETCD*</c> settings (etcd reads its flags from them too) and lets etcd 3.4 start on arm64.</summary>
    public static void PrepareEnvironment(IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in environment.Keys.Where(k => k.StartsWith("ETCD", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(name);
        }

        // etcd 3.4 refuses to start on arm64 unless told this; it ignores the variable elsewhere.
        environment["ETCD_UNSUPPORTED_ARCH"] = "arm64";
    }
}
