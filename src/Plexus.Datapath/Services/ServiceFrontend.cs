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

/// <summary>A backend: a pod address and its target port.</summary>
/// <param name="Address">The pod's address.</param>
/// <param name="Port">The resolved target port.</param>
/// <param name="Pod">The pod, <c>namespace/name</c> (for listings).</param>
/// <param name="Node">The pod's node (for listings).</param>
/// <param name="Weight">Maglev weight (1–100).</param>
public sealed record ServiceBackend(IPAddress Address, int Port, string? Pod = null, string? Node = null, int Weight = 1);

/// <summary>Kinds of frontend.</summary>
public enum ServiceFrontendKind
{
    /// <summary>The cluster-internal virtual IP.</summary>
    ClusterIP,

    /// <summary>A node port, served on every node address.</summary>
    NodePort,

    /// <summary>An address from the load-balancer pool.</summary>
    LoadBalancer,

    /// <summary>An address from <c>spec.externalIPs</c>.</summary>
    ExternalIP,
}

/// <summary>What the datapath has programmed for one frontend, with live counts.</summary>
/// <param name="Frontend">The frontend as last synced.</param>
/// <param name="ServiceId">The datapath's id of the frontend (reverse-NAT id).</param>
/// <param name="Backends">Per backend: the backend and its open connections on this node (from conntrack).</param>
public sealed record ServiceFrontendStatus(ServiceFrontend Frontend, int ServiceId, IReadOnlyList<ServiceBackendStatus> Backends);

/// <summary>A programmed backend with its datapath id and the connections this node has open to it through the frontend.</summary>
public sealed record ServiceBackendStatus(ServiceBackend Backend, int BackendId, long Connections);

/// <summary>Result of a sync.</summary>
/// <param name="Added">Frontends newly programmed.</param>
/// <param name="Updated">Frontends whose backends or options changed.</param>
/// <param name="Removed">Frontends removed.</param>
/// <param name="Errors">Frontends that could not be programmed, each with a reason (e.g. map full); the rest was applied.</param>
public sealed record ServiceSyncResult(int Added, int Updated, int Removed, IReadOnlyList<string> Errors);

/// <summary>The service part of a node's datapath.</summary>
public interface IServiceDatapath
{
    /// <summary>
    /// Makes the programmed frontends equal to <paramref name="desired"/> (complete set; absent frontends are removed).
    /// Idempotent; after an agent restart the first sync adopts what the pinned maps hold and changes only the difference.
    /// Connections pinned to a backend that disappears are ended with a TCP RST on their next packet.
    /// </summary>
    ServiceSyncResult Sync(IReadOnlyCollection<ServiceFrontend> desired);

    /// <summary>The programmed frontends with per-backend connection counts.</summary>
    IReadOnlyList<ServiceFrontendStatus> List();
}
