namespace Plexus.Lab.Processes;

/// <summary>PEM files for an etcd member serving HTTPS and requiring client certificates signed by <see cref="CaFile"/>.</summary>
/// <param name="CaFile">CA that client certificates must chain to.</param>
/// <param name="CertFile">The server certificate. etcd's JSON gateway dials its own gRPC port with it, so it needs the clientAuth usage too.</param>
/// <param name="KeyFile">The server certificate's key.</param>
public sealed record EtcdTls(string CaFile, string CertFile, string KeyFile);
