using System.Net;

namespace Plexus.Datapath.Services;

/// <summary>
/// One frontend the datapath serves (a ClusterIP, LoadBalancer or external address with a port and protocol, or a
/// node port on every node address) and the backends behind it. The service controller builds the complete desired
/// set and hands it to <see cref="IServiceDatapath.Sync"/>; the datapath diffs and programs its maps.
/// </summary>
public sealed record ServiceFrontend
{
    /// <summary>The owning Service, <c>namespace/name</c> (for listings and flow enrichment).</summary>
    public required string Service { get; init; }

    /// <summary>The Service port's name, when it has one.</summary>
    public string? PortName { get; init; }

    /// <summary>What kind of address this is.</summary>
    public required ServiceFrontendKind Kind { get; init; }

    /// <summary>The frontend address; for <see cref="ServiceFrontendKind.NodePort"/>, <see cref="IPAddress.Any"/> (every node address).</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The frontend port (service port, or the node port).</summary>
    public required int Port { get; init; }

    /// <summary>IP protocol number: 6 (TCP) or 17 (UDP).</summary>
    public required byte Protocol { get; init; }

    /// <summary>
    /// The backends, in any order (the datapath sorts them so every node builds the same Maglev table). Empty: the
    /// frontend exists but refuses (SERVICE_BACKEND_NOT_FOUND).
    /// </summary>
    public IReadOnlyList<ServiceBackend> Backends { get; init; } = [];

    /// <summary><c>sessionAffinity: ClientIP</c> timeout; null without affinity.</summary>
    public int? AffinityTimeoutSeconds { get; init; }

    /// <summary>The frontend's key: address, port and protocol.</summary>
    public string Key => $"{Address}:{Port}/{(Protocol == 6 ? "TCP" : Protocol == 17 ? "UDP" : Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}
