namespace Plexus.Store.Tests;

/// <summary>A certificate and its private key, as PEM files.</summary>
public sealed record PemFiles(string CertFile, string KeyFile);
