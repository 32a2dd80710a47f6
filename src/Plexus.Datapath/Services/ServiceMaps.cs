using Plexus.Interop.Bpf;

namespace Plexus.Datapath.Services;

/// <summary>The node's service maps (services, backends, Maglev tables, reverse NAT, affinity).</summary>
public sealed class ServiceMaps : IServiceDatapath
{
    /// <summary>Opens the service maps of a loaded object.</summary>
    public ServiceMaps(BpfObject lxc)
    {
        ArgumentNullException.ThrowIfNull(lxc);
    }

    /// <inheritdoc/>
    public ServiceSyncResult Sync(IReadOnlyCollection<ServiceFrontend> desired) => throw new NotSupportedException("service datapath not built yet");

    /// <inheritdoc/>
    public IReadOnlyList<ServiceFrontendStatus> List() => [];
}
