using System.Globalization;
using Microsoft.Extensions.Logging;
using Plexus.Model;
using Plexus.Model.LoadBalancing;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>
/// Cluster-unique node ports: each is a CAS-created record <c>plexus/services-nodeport/&lt;cluster&gt;/&lt;port&gt;/&lt;proto&gt;</c>
/// naming its Service and service port (no lease). A Service holds one node port per service port (port + protocol);
/// asking again returns it. Free ports are searched from a start seeded by a stable hash of Service and service port,
/// wrapping around the range, for the same reasons as <see cref="ServiceIpAllocator"/>.
/// </summary>
public sealed partial class NodePortAllocator
{
    /// <summary>The first node port when the configuration names none (as Kubernetes).</summary>
    public const int DefaultFirst = 30000;

    /// <summary>The last node port when the configuration names none (as Kubernetes).</summary>
    public const int DefaultLast = 32767;

    private readonly IStore _store;
    private readonly string _cluster;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ClaimsCache _claims;

    /// <summary>Creates the allocator of node ports <paramref name="first"/>…<paramref name="last"/>.</summary>
    public NodePortAllocator(
        IStore store, string cluster, TimeProvider timeProvider, ILogger<NodePortAllocator> logger, int first = DefaultFirst, int last = DefaultLast)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 65535);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, last);
        (_store, _cluster, _timeProvider, _logger) = (store, cluster, timeProvider, logger);
        _claims = new ClaimsCache(store, StoreKeys.ServiceNodePortsPrefix(cluster), timeProvider, ServiceIpAllocator.ClaimsMaxAge);
        (First, Last) = (first, last);
    }

    /// <summary>The lowest node port handed out.</summary>
    public int First { get; }

    /// <summary>The highest node port handed out.</summary>
    public int Last { get; }

    /// <summary>How many node ports the range holds (per protocol).</summary>
    public int Capacity => Last - First + 1;

    /// <summary>
    /// Returns the node port of service port <paramref name="servicePort"/>/<paramref name="protocol"/> of
    /// <paramref name="owner"/> (<c>namespace/name</c>): the one it holds, the <paramref name="requested"/> one if free
    /// (moving from a different one it held), or a free one. Every expected failure is a value.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<NodePortAllocation> AllocateAsync(
        string owner, int servicePort, PortProtocol protocol, int? requested = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(servicePort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(servicePort, 65535);
        if (protocol is not (PortProtocol.Tcp or PortProtocol.Udp or PortProtocol.Sctp))
        {
            return new NodePortAllocation(ServiceAllocationStatus.Invalid, null, $"{owner}: node ports are TCP, UDP or SCTP, not {protocol}");
        }

        var proto = protocol.ToString().ToUpperInvariant();
        var portName = ServicePortName(servicePort, protocol);
        if (requested is { } asked && (asked < First || asked > Last))
        {
            return new NodePortAllocation(
                asked is < 1 or > 65535 ? ServiceAllocationStatus.Invalid : ServiceAllocationStatus.OutOfRange,
                null,
                string.Create(CultureInfo.InvariantCulture, $"{owner}: requested nodePort {asked} for {portName} is outside the node port range {First}-{Last}"));
        }

        var prefix = StoreKeys.ServiceNodePortsPrefix(_cluster);
        var records = await ServiceClaims.ListAsync(_store, prefix, cancellationToken).ConfigureAwait(false);
        var template = NewRecord(owner, 0, proto, portName);
        var held = records.Where(r => ServiceClaims.SameSlot(r.Record, template)).OrderBy(r => r.Kv.CreateRevision).Select(r => r.Record).ToList();
        if (requested is { } port)
        {
            return await ClaimAsync(owner, port, protocol, portName, held, cancellationToken).ConfigureAwait(false);
        }

        if (held.Count > 0 && TryParseValue(held[0].Value, out var heldPort))
        {
            return new NodePortAllocation(ServiceAllocationStatus.Existing, heldPort, $"{owner} already holds nodePort {held[0].Value} for {portName}");
        }

        var used = new HashSet<int>();
        foreach (var (_, record) in records)
        {
            if (TryParseValue(record.Value, out var p, out var p2) && p2 == proto && p >= First && p <= Last)
            {
                used.Add(p);
            }
        }

        var start = (int)(StableHash.Hash($"{ServiceAllocationRecord.NodePortKind}\n{owner}\n{portName}", StableHash.PrimarySeed) % (ulong)Capacity);
        for (var step = 0; step < Capacity && used.Count < Capacity; step++)
        {
            var candidate = First + ((start + step) % Capacity);
            if (used.Contains(candidate))
            {
                continue;
            }

            var record = NewRecord(owner, candidate, proto, portName);
            var key = StoreKeys.ServiceNodePort(_cluster, candidate, protocol);
            var (created, holder) = await ServiceClaims.TryCreateAsync(_store, key, record, cancellationToken).ConfigureAwait(false);
            _claims.Invalidate();
            if (created)
            {
                var winner = await ServiceClaims.SettleAsync(_store, prefix, key, record, cancellationToken).ConfigureAwait(false);
                if (winner != record && TryParseValue(winner.Value, out var winnerPort))
                {
                    return new NodePortAllocation(ServiceAllocationStatus.Existing, winnerPort, $"{owner} already holds nodePort {winner.Value} for {portName}");
                }

                LogAllocated(_logger, record.Value, owner, portName);
                return new NodePortAllocation(ServiceAllocationStatus.Allocated, candidate, $"allocated nodePort {record.Value} to {owner} {portName}");
            }

            if (ServiceClaims.SameSlot(holder, record) && holder?.Value == record.Value)
            {
                return new NodePortAllocation(ServiceAllocationStatus.Existing, candidate, $"{owner} already holds nodePort {record.Value} for {portName}");
            }

            used.Add(candidate);
        }

        LogExhausted(_logger, proto, First, Last, owner);
        return new NodePortAllocation(
            ServiceAllocationStatus.Exhausted,
            null,
            string.Create(CultureInfo.InvariantCulture, $"{owner}: no free {proto} node port left in {First}-{Last} ({Capacity} ports, all allocated)"));
    }

    /// <summary>Releases every node port <paramref name="owner"/> holds (on Service delete); returns how many.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<int> ReleaseAsync(string owner, CancellationToken cancellationToken = default) =>
        await ReleaseWhereAsync(owner, _ => true, cancellationToken).ConfigureAwait(false);

    /// <summary>Releases the node ports of <paramref name="owner"/> whose service port (<c>80/TCP</c>) is not in <paramref name="keep"/> (ports removed from the spec).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<int> ReleaseExceptAsync(string owner, IReadOnlySet<string> keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keep);
        bool Unwanted(ServiceAllocationRecord r) => r.ServicePort is null || !keep.Contains(r.ServicePort);

        // Called for every Service on every change: a recent view of the claims says whether there is anything to drop.
        if (!await _claims.HoldsAsync(owner, ServiceAllocationRecord.NodePortKind, cancellationToken).ConfigureAwait(false)
            || !(await _claims.GetAsync(cancellationToken).ConfigureAwait(false)).Any(r => r.Record.Owner == owner && r.Record.Kind == ServiceAllocationRecord.NodePortKind && Unwanted(r.Record)))
        {
            return 0;
        }

        return await ReleaseWhereAsync(owner, Unwanted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node ports held in the cluster, in key order.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IReadOnlyList<ServiceAllocationRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ServiceClaims.ListAsync(_store, StoreKeys.ServiceNodePortsPrefix(_cluster), cancellationToken).ConfigureAwait(false))
            .Select(r => r.Record)
            .ToList();

    /// <summary>The service-port name records carry: <c>80/TCP</c>.</summary>
    public static string ServicePortName(int servicePort, PortProtocol protocol) =>
        string.Create(CultureInfo.InvariantCulture, $"{servicePort}/{protocol.ToString().ToUpperInvariant()}");

    private async Task<NodePortAllocation> ClaimAsync(
        string owner, int port, PortProtocol protocol, string portName, List<ServiceAllocationRecord> held, CancellationToken cancellationToken)
    {
        var record = NewRecord(owner, port, protocol.ToString().ToUpperInvariant(), portName);
        if (held.Any(h => h.Value == record.Value))
        {
            return new NodePortAllocation(ServiceAllocationStatus.Existing, port, $"{owner} already holds nodePort {record.Value} for {portName}");
        }

        _claims.Invalidate();
        var (created, holder) = await ServiceClaims.TryCreateAsync(_store, StoreKeys.ServiceNodePort(_cluster, port, protocol), record, cancellationToken)
            .ConfigureAwait(false);
        if (!created)
        {
            return ServiceClaims.SameSlot(holder, record)
                ? new NodePortAllocation(ServiceAllocationStatus.Existing, port, $"{owner} already holds nodePort {record.Value} for {portName}")
                : new NodePortAllocation(
                    ServiceAllocationStatus.Conflict,
                    null,
                    $"{owner}: requested nodePort {record.Value} for {portName} is already allocated to {Describe(holder)}");
        }

        foreach (var old in held)
        {
            if (TryParseValue(old.Value, out var oldPort))
            {
                await _store.DeleteAsync(StoreKeys.ServiceNodePort(_cluster, oldPort, protocol), cancellationToken).ConfigureAwait(false);
                LogReleased(_logger, old.Value, owner);
            }
        }

        LogAllocated(_logger, record.Value, owner, portName);
        return new NodePortAllocation(ServiceAllocationStatus.Claimed, port, $"{owner} claimed nodePort {record.Value} for {portName}");
    }

    private async Task<int> ReleaseWhereAsync(string owner, Func<ServiceAllocationRecord, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var released = 0;
        foreach (var (kv, record) in await ServiceClaims.ListAsync(_store, StoreKeys.ServiceNodePortsPrefix(_cluster), cancellationToken).ConfigureAwait(false))
        {
            if (record.Owner == owner && record.Kind == ServiceAllocationRecord.NodePortKind && predicate(record)
                && (await _store.DeleteIfAsync(kv.Key, kv.ModRevision, cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                released++;
                LogReleased(_logger, record.Value, owner);
            }
        }

        _claims.Invalidate();
        return released;
    }

    private ServiceAllocationRecord NewRecord(string owner, int port, string proto, string portName) => new()
    {
        Owner = owner,
        Kind = ServiceAllocationRecord.NodePortKind,
        Value = string.Create(CultureInfo.InvariantCulture, $"{port}/{proto}"),
        ServicePort = portName,
        AllocatedAt = _timeProvider.GetUtcNow(),
    };

    private static string Describe(ServiceAllocationRecord? holder) => holder is null ? "another Service" : $"{holder.Owner} ({holder.ServicePort})";

    private static bool TryParseValue(string value, out int port) => TryParseValue(value, out port, out _);

    private static bool TryParseValue(string value, out int port, out string protocol)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        protocol = slash < 0 ? "" : value[(slash + 1)..];
        return int.TryParse(slash < 0 ? value : value[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out port);
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Services: allocated nodePort {Value} to {Owner} {ServicePort}")]
    private static partial void LogAllocated(ILogger logger, string value, string owner, string servicePort);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "Services: released nodePort {Value} of {Owner}")]
    private static partial void LogReleased(ILogger logger, string value, string owner);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Error, Message = "Services: {Protocol} node ports {First}-{Last} exhausted; none for {Owner}")]
    private static partial void LogExhausted(ILogger logger, string protocol, int first, int last, string owner);
}
