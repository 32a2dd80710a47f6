using System.Net;
using Microsoft.Extensions.Logging;
using Plexus.Model;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>
/// Gives a validated <see cref="ServiceResource"/> what its spec asks for: a cluster IP (unless headless), one node port
/// per service port for NodePort and LoadBalancer Services, and a load-balancer address for LoadBalancer Services.
/// Nothing is kept half: when any value cannot be had, the values newly allocated by this call are given back and the
/// result lists every reason. Values the Service no longer needs (type or ports changed) are released.
/// </summary>
public sealed partial class ServiceAllocator
{
    private readonly ServiceIpAllocator _clusterIps;
    private readonly ServiceIpAllocator _loadBalancerIps;
    private readonly NodePortAllocator _nodePorts;
    private readonly ILogger _logger;

    /// <summary>Creates the allocator over the three value allocators of one cluster.</summary>
    public ServiceAllocator(ServiceIpAllocator clusterIps, ServiceIpAllocator loadBalancerIps, NodePortAllocator nodePorts, ILogger<ServiceAllocator> logger)
    {
        ArgumentNullException.ThrowIfNull(clusterIps);
        ArgumentNullException.ThrowIfNull(loadBalancerIps);
        ArgumentNullException.ThrowIfNull(nodePorts);
        ArgumentNullException.ThrowIfNull(logger);
        if (clusterIps.Kind != ServiceIpKind.ClusterIP || loadBalancerIps.Kind != ServiceIpKind.LoadBalancer)
        {
            throw new ArgumentException("expected a ClusterIP and a LoadBalancer address allocator, in that order");
        }

        (_clusterIps, _loadBalancerIps, _nodePorts, _logger) = (clusterIps, loadBalancerIps, nodePorts, logger);
    }

    /// <summary>The owner string of a Service: <c>namespace/name</c>.</summary>
    public static string OwnerOf(ServiceResource service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"{service.Metadata.Namespace ?? "default"}/{service.Metadata.Name}";
    }

    /// <summary>Allocates (or returns, when held) everything <paramref name="service"/> needs; idempotent, failures as values.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later (values held so far stay held and are returned by the retry).</exception>
    public Task<ServiceAllocation> AllocateAsync(ServiceResource service, CancellationToken cancellationToken = default) =>
        AllocateAsync(service, null, cancellationToken);

    /// <summary>
    /// Claims the explicit cluster IPs (<c>spec.clusterIP</c>) of many Services at once, with a few store transactions
    /// instead of one request or more each (<see cref="ServiceIpAllocator.ClaimManyAsync"/>); hand the result to
    /// <see cref="AllocateAsync(ServiceResource, IReadOnlyDictionary{string, ServiceIpAllocation}?, CancellationToken)"/>
    /// for the same specs. Services without an explicit address are not touched.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public Task<IReadOnlyDictionary<string, ServiceIpAllocation>> ClaimClusterIpsAsync(
        IEnumerable<ServiceResource> services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var requests = services
            .Select(s => (Owner: OwnerOf(s), Requested: RequestedClusterIp(s.Spec)))
            .Where(r => !string.IsNullOrEmpty(r.Requested) && r.Requested != "None")
            .Select(r => (r.Owner, r.Requested!))
            .ToList();
        return _clusterIps.ClaimManyAsync(requests, cancellationToken);
    }

    /// <summary>
    /// As <see cref="AllocateAsync(ServiceResource, CancellationToken)"/>, taking the cluster IP from
    /// <paramref name="claimedClusterIps"/> (by owner, from <see cref="ClaimClusterIpsAsync"/> for the same spec) when it
    /// is there.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later (values held so far stay held and are returned by the retry).</exception>
    public async Task<ServiceAllocation> AllocateAsync(
        ServiceResource service, IReadOnlyDictionary<string, ServiceIpAllocation>? claimedClusterIps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        var owner = OwnerOf(service);
        var spec = service.Spec;
        var errors = new List<string>();
        var fresh = new List<Func<Task>>();

        IPAddress? clusterIp = null;
        var ip = claimedClusterIps is not null && claimedClusterIps.TryGetValue(owner, out var claimed)
            ? claimed
            : await _clusterIps.AllocateAsync(owner, RequestedClusterIp(spec), cancellationToken).ConfigureAwait(false);
        if (ip.Succeeded)
        {
            clusterIp = ip.Address;
            Track(fresh, ip.Status, () => _clusterIps.ReleaseAsync(owner, cancellationToken));
        }
        else if (ip.Status != ServiceAllocationStatus.Headless)
        {
            errors.Add(ip.Message);
        }

        var nodePorts = new Dictionary<string, int>(StringComparer.Ordinal);
        var wantsNodePorts = spec.Type == ServiceType.NodePort || (spec.Type == ServiceType.LoadBalancer && spec.AllocateLoadBalancerNodePorts != false);
        if (wantsNodePorts)
        {
            foreach (var port in spec.Ports)
            {
                var name = NodePortAllocator.ServicePortName(port.Port, port.Protocol);
                var allocation = await _nodePorts.AllocateAsync(owner, port.Port, port.Protocol, port.NodePort, cancellationToken).ConfigureAwait(false);
                if (allocation.Succeeded)
                {
                    nodePorts[name] = allocation.NodePort.Value;
                    Track(fresh, allocation.Status, () => _nodePorts.ReleaseExceptAsync(owner, OtherPorts(spec, name), cancellationToken));
                }
                else
                {
                    errors.Add(allocation.Message);
                }
            }
        }

        IPAddress? loadBalancerIp = null;
        if (spec.Type == ServiceType.LoadBalancer)
        {
            var lb = await _loadBalancerIps.AllocateAsync(owner, spec.LoadBalancerIP, cancellationToken).ConfigureAwait(false);
            if (lb.Succeeded)
            {
                loadBalancerIp = lb.Address;
                Track(fresh, lb.Status, () => _loadBalancerIps.ReleaseAsync(owner, cancellationToken));
            }
            else
            {
                errors.Add(lb.Message);
            }
        }

        if (errors.Count > 0)
        {
            foreach (var undo in fresh)
            {
                await undo().ConfigureAwait(false);
            }

            LogRefused(_logger, owner, string.Join("; ", errors));
            return new ServiceAllocation(owner, null, new Dictionary<string, int>(), null, errors);
        }

        // Drop what the spec no longer asks for (type or ports changed).
        if (spec.Type != ServiceType.LoadBalancer)
        {
            await _loadBalancerIps.ReleaseIfHeldAsync(owner, cancellationToken).ConfigureAwait(false);
        }

        await _nodePorts.ReleaseExceptAsync(owner, nodePorts.Keys.ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        return new ServiceAllocation(owner, clusterIp, nodePorts, loadBalancerIp, []) { IsHeadless = ip.Status == ServiceAllocationStatus.Headless };
    }

    /// <summary>Makes the next checks for load-balancer addresses held by Services that no longer ask for one read the store again (call once per pass).</summary>
    public void RefreshViews() => _loadBalancerIps.RefreshOwners();

    /// <summary>Releases every value the Service holds (on delete); returns how many.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<int> ReleaseAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return await _clusterIps.ReleaseAsync(owner, cancellationToken).ConfigureAwait(false)
            + await _nodePorts.ReleaseAsync(owner, cancellationToken).ConfigureAwait(false)
            + await _loadBalancerIps.ReleaseAsync(owner, cancellationToken).ConfigureAwait(false);
    }

    // Only values this call created are undone; values held before the call (Existing) stay with the Service.
    private static void Track(List<Func<Task>> fresh, ServiceAllocationStatus status, Func<Task<int>> release)
    {
        if (status is ServiceAllocationStatus.Allocated or ServiceAllocationStatus.Claimed)
        {
            fresh.Add(release);
        }
    }

    private static string? RequestedClusterIp(ServiceSpec spec) => spec.ClusterIP ?? spec.ClusterIPs.FirstOrDefault();

    private static HashSet<string> OtherPorts(ServiceSpec spec, string except) =>
        spec.Ports.Select(p => NodePortAllocator.ServicePortName(p.Port, p.Protocol)).Where(n => n != except).ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "Services: {Owner} refused: {Errors}")]
    private static partial void LogRefused(ILogger logger, string owner, string errors);
}
