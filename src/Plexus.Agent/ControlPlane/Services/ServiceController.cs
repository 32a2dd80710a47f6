using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Mirroring;
using Plexus.Datapath.Services;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>
/// Serves the cluster's Services on this node. Watches the stored Services (<c>plexus/resources/services/…</c>), the
/// cluster's endpoint records and the resolved Service records; after a burst of changes it takes the three immutable
/// snapshots and (1) releases the allocations and record of deleted Services, (2) gives every Service its cluster IP,
/// node ports and load-balancer address through the CAS <see cref="ServiceAllocator"/> (or reuses what a record for the
/// same spec holds), (3) resolves the backends, (4) hands the complete frontend set to the datapath, and (5) writes each
/// Service's record <c>plexus/services/&lt;cluster&gt;/&lt;ns&gt;/&lt;name&gt;</c> when, and only when, its content
/// changed. Every agent runs this and computes the same records; CAS writes keep them from fighting. A relist (after a
/// reconnect or compaction) drops the cached allocations so everything is checked again.
/// </summary>
public sealed partial class ServiceController
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDebounce = TimeSpan.FromMilliseconds(500);

    private readonly IStore _store;
    private readonly string _cluster;
    private readonly TimeSpan _debounce;
    private readonly bool _hasLoadBalancerPools;
    private readonly ServiceAllocator _allocator;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<bool> _kicks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, Held> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Json, long Revision)> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Resolution> _resolutions = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<ServiceStatusRecord, string> _json = [];
    private ImmutableDictionary<string, ServiceStatusRecord>? _syncedResolved;
    private (ImmutableDictionary<string, ServiceStatusRecord> Resolved, ImmutableDictionary<string, StoredStatus> Statuses)? _recordsDone;
    private (ImmutableDictionary<string, ServiceResource> Services, ImmutableDictionary<string, StoredStatus> Statuses, long Revision)? _nothingReleased;
    private (ImmutableDictionary<string, ServiceResource> Services, List<(ServiceResource Service, string Owner)> Ordered)? _ordered;
    private PrefixMirror<ServiceResource>? _services;
    private PrefixMirror<EndpointRecord>? _endpoints;
    private PrefixMirror<StoredStatus>? _statuses;
    private IServiceDatapath? _datapath;
    private string? _syncedSignature;
    private string? _lastFailure;
    private int _resync;
    private ServiceSyncState _state = ServiceSyncState.None;
    private ImmutableDictionary<string, ServiceStatusRecord> _resolved = ImmutableDictionary.Create<string, ServiceStatusRecord>(StringComparer.Ordinal);

    /// <summary>Creates the controller of <paramref name="config"/>'s cluster (service CIDRs, load-balancer pools).</summary>
    public ServiceController(IStore store, AgentConfig config, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        (_store, _cluster, _debounce, _timeProvider) = (store, config.Cluster, config.ServiceDebounce, timeProvider);
        _logger = loggerFactory.CreateLogger<ServiceController>();
        _hasLoadBalancerPools = config.LoadBalancerPools.Count > 0;
        var claims = ServiceIpAllocator.NewClaimsView(store, config.Cluster, timeProvider);
        _allocator = new ServiceAllocator(
            new ServiceIpAllocator(store, config.Cluster, ServiceIpKind.ClusterIP, config.ServiceCidrs, timeProvider, loggerFactory.CreateLogger<ServiceIpAllocator>(), claims),
            new ServiceIpAllocator(store, config.Cluster, ServiceIpKind.LoadBalancer, config.LoadBalancerPools, timeProvider, loggerFactory.CreateLogger<ServiceIpAllocator>(), claims),
            new NodePortAllocator(store, config.Cluster, timeProvider, loggerFactory.CreateLogger<NodePortAllocator>()),
            loggerFactory.CreateLogger<ServiceAllocator>());
    }

    /// <summary>True once <see cref="RunAsync"/> runs against a datapath.</summary>
    public bool Active => Volatile.Read(ref _datapath) is not null;

    /// <summary>The last sync with the datapath.</summary>
    public ServiceSyncState State => Volatile.Read(ref _state);

    /// <summary>The Services as last resolved, by <c>namespace/name</c>.</summary>
    public ImmutableDictionary<string, ServiceStatusRecord> Resolved => Volatile.Read(ref _resolved);

    /// <summary>How many full relists the controller has acted on (first list excluded).</summary>
    public int Resyncs { get; private set; }

    /// <summary>The frontends the datapath has programmed, with per-backend connection counts; empty while inactive.</summary>
    public IReadOnlyList<ServiceFrontendStatus> List() => Volatile.Read(ref _datapath)?.List() ?? [];

    /// <summary>Runs until cancelled, programming <paramref name="datapath"/>.</summary>
    public async Task RunAsync(IServiceDatapath datapath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datapath);
        if (Interlocked.CompareExchange(ref _datapath, datapath, null) is not null)
        {
            throw new InvalidOperationException("the service controller is already running");
        }

        _services = new PrefixMirror<ServiceResource>(_store, ResourceKey.Prefix(ResourceKind.Service), DecodeService, _timeProvider, _logger);
        _endpoints = new PrefixMirror<EndpointRecord>(_store, StoreKeys.EndpointsPrefix(_cluster), kv => EndpointRecord.FromJson(kv.Value), _timeProvider, _logger);
        _statuses = new PrefixMirror<StoredStatus>(_store, StoreKeys.ServicesPrefix(_cluster), DecodeStatus, _timeProvider, _logger);
        await Task.WhenAll(
            _services.RunAsync(d => OnDelta(d.IsFullSync && _services.Resyncs > 0), cancellationToken),
            _endpoints.RunAsync(d => OnDelta(d.IsFullSync && _endpoints.Resyncs > 0), cancellationToken),
            _statuses.RunAsync(d => OnDelta(d.IsFullSync && _statuses.Resyncs > 0), cancellationToken),
            ReconcileLoopAsync(cancellationToken)).ConfigureAwait(false);
    }

    private void OnDelta(bool relisted)
    {
        if (relisted)
        {
            Interlocked.Exchange(ref _resync, 1);
        }

        _kicks.Writer.TryWrite(true);
    }

    private async Task ReconcileLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_services!.Synced, _endpoints!.Synced, _statuses!.Synced).WaitAsync(cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                // Debounce: wait until changes stop arriving for one interval (at most MaxDebounce), then apply them all at once.
                var waited = TimeSpan.Zero;
                do
                {
                    await Task.Delay(_debounce, _timeProvider, cancellationToken).ConfigureAwait(false);
                    waited += _debounce;
                }
                while (_kicks.Reader.TryRead(out _) && waited < MaxDebounce);

                if (!await ReconcileAsync(cancellationToken).ConfigureAwait(false))
                {
                    await Task.Delay(RetryInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await _kicks.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One pass; false when the store failed somewhere and the pass must be retried.</summary>
    private async Task<bool> ReconcileAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _resync, 0) == 1)
        {
            // After a relist anything may have happened meanwhile: trust only what the store says now.
            _held.Clear();
            _written.Clear();
            _resolutions.Clear();
            _syncedResolved = null;
            _recordsDone = null;
            _nothingReleased = null;
            Resyncs++;
            LogResync(_logger);
        }

        var services = _services!.Snapshot;
        var servicesRevision = _services.Revision;
        var statuses = _statuses!.Snapshot;
        var endpoints = _endpoints!.Snapshot.Values.ToLookup(e => e.Namespace, StringComparer.Ordinal);
        var selections = new Dictionary<string, List<EndpointRecord>>(StringComparer.Ordinal);
        var ordered = Ordered(services);
        var complete = true;
        try
        {
            complete &= await ReleaseDeletedAsync(services, ordered, servicesRevision, statuses, cancellationToken).ConfigureAwait(false);
            complete &= await AllocateChangedAsync(ordered, statuses, cancellationToken).ConfigureAwait(false);
            var records = new List<KeyValuePair<string, ServiceStatusRecord>>(ordered.Count);
            foreach (var (service, owner) in ordered)
            {
                _resolutions.TryGetValue(owner, out var last);
                var same = last is not null && ReferenceEquals(last.Service, service);
                if (!_held.TryGetValue(owner, out var held))
                {
                    continue;
                }

                // Pod churn changes the endpoints on every pass; a Service whose spec, allocation and selected endpoints
                // are the ones of its last resolution keeps that record (same object), so nothing downstream redoes it.
                var selectionKey = same ? last!.SelectionKey : ServiceResolver.SelectionKey(service);
                if (!selections.TryGetValue(selectionKey, out var selected))
                {
                    selected = ServiceResolver.Select(service, endpoints[service.Metadata.Namespace ?? "default"]);
                    selections[selectionKey] = selected;
                }

                if (!same || !ReferenceEquals(last!.Held, held) || !last.Selected.SequenceEqual(selected, ReferenceEqualityComparer.Instance))
                {
                    var record = ServiceResolver.ResolveSelected(service, _cluster, held.SpecHash, held.Allocation, selected);
                    last = new Resolution(service, SpecHashOf(service, owner), selectionKey, held, selected, held.Warnings.Count == 0 ? record : record with { Warnings = held.Warnings });
                    _resolutions[owner] = last;
                }

                records.Add(KeyValuePair.Create(owner, last.Record));
            }

            if (_resolutions.Count > records.Count)
            {
                var present = records.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in _resolutions.Keys.Where(o => !present.Contains(o)).ToList())
                {
                    _resolutions.Remove(gone);
                }
            }

            // The same records as the last pass: keep that dictionary, so the steps below see an unchanged input.
            var previous = Volatile.Read(ref _resolved);
            var resolved = previous.Count == records.Count && records.All(r => previous.TryGetValue(r.Key, out var p) && ReferenceEquals(p, r.Value))
                ? previous
                : ImmutableDictionary.CreateRange(StringComparer.Ordinal, records);
            Volatile.Write(ref _resolved, resolved);
            if (!ReferenceEquals(resolved, _syncedResolved))
            {
                Sync(resolved, services.Count);
                _syncedResolved = _syncedSignature is null ? null : resolved;
            }

            // Nothing to compare when neither the records nor the stored ones changed since a complete pass.
            if (_recordsDone is not { } done || !ReferenceEquals(resolved, done.Resolved) || !ReferenceEquals(statuses, done.Statuses))
            {
                _recordsDone = null;
                var written = await WriteRecordsAsync(resolved, statuses, cancellationToken).ConfigureAwait(false);
                _recordsDone = written ? (resolved, statuses) : null;
                complete &= written;
            }
        }
        catch (StoreUnavailableException e)
        {
            LogStoreUnavailable(_logger, e.Message);
            return false;
        }

        return complete;
    }

    private async Task<bool> ReleaseDeletedAsync(
        ImmutableDictionary<string, ServiceResource> services, IReadOnlyList<(ServiceResource Service, string Owner)> ordered, long servicesRevision,
        ImmutableDictionary<string, StoredStatus> statuses, CancellationToken cancellationToken)
    {
        // Held values and records only outlive their Service when the Services or the records changed: with the same
        // inputs as a pass that found nothing to release, there is nothing now either.
        var inputs = (services, statuses, servicesRevision);
        if (_nothingReleased is { } quiet && ReferenceEquals(quiet.Services, services) && ReferenceEquals(quiet.Statuses, statuses) && quiet.Revision == servicesRevision)
        {
            return true;
        }

        var present = ordered.Select(o => o.Owner).ToHashSet(StringComparer.Ordinal);
        var gone = _held.Keys.Where(o => !present.Contains(o)).ToHashSet(StringComparer.Ordinal);

        // A record without its Service: deleted while no agent ran, or by an agent ahead of this one. Only trust the
        // absence once the Services mirror has seen at least the revision the record was written at.
        gone.UnionWith(statuses.Values
            .Where(s => !present.Contains(s.Record.Owner) && servicesRevision >= s.ModRevision)
            .Select(s => s.Record.Owner));
        if (gone.Count == 0)
        {
            _nothingReleased = inputs;
            return true;
        }

        _nothingReleased = null;
        foreach (var owner in gone.Order(StringComparer.Ordinal))
        {
            var released = await _allocator.ReleaseAsync(owner, cancellationToken).ConfigureAwait(false);
            var slash = owner.IndexOf('/', StringComparison.Ordinal);
            var key = StoreKeys.Service(_cluster, owner[..slash], owner[(slash + 1)..]);
            if (statuses.TryGetValue(key, out var stored))
            {
                await _store.DeleteIfAsync(key, stored.ModRevision, cancellationToken).ConfigureAwait(false);
            }

            _held.Remove(owner);
            _written.Remove(key);
            LogDeleted(_logger, owner, released);
        }

        // Values were freed: Services that could not get theirs try again.
        foreach (var failed in _held.Where(h => !h.Value.Allocation.Succeeded).Select(h => h.Key).ToList())
        {
            _held.Remove(failed);
        }

        return true;
    }

    /// <summary>
    /// Gives every Service whose spec changed since it was last held what it needs: the allocation of a record written
    /// for the same spec (by any agent), or the allocator's, with the explicit cluster IPs of the burst claimed together
    /// first. False when the store failed; what could not be allocated keeps what it held before (if anything).
    /// </summary>
    private async Task<bool> AllocateChangedAsync(
        List<(ServiceResource Service, string Owner)> services, ImmutableDictionary<string, StoredStatus> statuses, CancellationToken cancellationToken)
    {
        var changed = new List<(ServiceResource Service, string Hash)>();
        foreach (var (service, owner) in services)
        {
            var hash = SpecHashOf(service, owner);
            if (_held.TryGetValue(owner, out var held) && held.SpecHash == hash)
            {
                continue;
            }

            statuses.TryGetValue(StatusKey(service), out var stored);
            if (stored is not null && stored.Record.SpecHash == hash && Adopt(stored.Record) is { } adopted)
            {
                _held[owner] = adopted;
            }
            else
            {
                changed.Add((service, hash));
            }
        }

        if (changed.Count == 0)
        {
            return true;
        }

        _allocator.RefreshViews();
        IReadOnlyDictionary<string, ServiceIpAllocation> claimed;
        try
        {
            claimed = await _allocator.ClaimClusterIpsAsync(changed.Select(c => c.Service), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            LogStoreUnavailable(_logger, e.Message);
            return false;
        }

        var complete = true;
        foreach (var (service, hash) in changed)
        {
            try
            {
                _held[ServiceAllocator.OwnerOf(service)] = await AllocateAsync(service, hash, claimed, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogStoreUnavailable(_logger, e.Message);
                complete = false;
            }
        }

        return complete;
    }

    private async Task<Held> AllocateAsync(
        ServiceResource service, string hash, IReadOnlyDictionary<string, ServiceIpAllocation> claimed, CancellationToken cancellationToken)
    {
        if (service.Spec.Type == ServiceType.LoadBalancer && !_hasLoadBalancerPools && WithoutLoadBalancer(service) is { } served)
        {
            // As Kubernetes without a load-balancer implementation: cluster IP and node ports work, EXTERNAL-IP stays pending.
            var allocation = await _allocator.AllocateAsync(served, claimed, cancellationToken).ConfigureAwait(false);
            return new Held(hash, allocation, ["no load-balancer pool is configured (agent flag --lb-pool): no external address"]);
        }

        return new Held(hash, await _allocator.AllocateAsync(service, claimed, cancellationToken).ConfigureAwait(false), []);
    }

    private void Sync(ImmutableDictionary<string, ServiceStatusRecord> resolved, int serviceCount)
    {
        var frontends = resolved.Values.SelectMany(ServiceFrontends.Of).ToList();
        var signature = string.Join('\n', frontends.Select(ServiceFrontends.Signature).Order(StringComparer.Ordinal));
        if (signature == _syncedSignature)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        try
        {
            var result = _datapath!.Sync(frontends);
            _syncedSignature = result.Errors.Count == 0 ? signature : null;
            _lastFailure = null;
            foreach (var error in result.Errors)
            {
                LogFrontendFailed(_logger, error);
            }

            Volatile.Write(ref _state, new ServiceSyncState(now, serviceCount, frontends.Count, result.Added, result.Updated, result.Removed, result.Errors));
            LogSynced(_logger, serviceCount, frontends.Count, result.Added, result.Updated, result.Removed, result.Errors.Count);
        }
#pragma warning disable CA1031 // a datapath failure must not stop the controller; it is reported and retried on the next change
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            _syncedSignature = null;
            if (e.Message != _lastFailure)
            {
                LogSyncFailed(_logger, e.Message);
                _lastFailure = e.Message;
            }

            Volatile.Write(ref _state, new ServiceSyncState(now, serviceCount, frontends.Count, 0, 0, 0, [$"sync failed: {e.Message}"]));
        }
    }

    /// <summary>
    /// Writes the records whose content changed, in chunked transactions, each record guarded by its own compare (absent,
    /// or unchanged since the mirrored revision). A chunk that fails was (partly) written by another agent first: its
    /// records arrive through the watch, which starts another pass that compares them again, so nothing is retried here.
    /// </summary>
    private async Task<bool> WriteRecordsAsync(
        ImmutableDictionary<string, ServiceStatusRecord> resolved, ImmutableDictionary<string, StoredStatus> statuses, CancellationToken cancellationToken)
    {
        var mirrored = _statuses!.Revision;
        var writes = new List<(StoreCompare Compare, StoreOp Put)>();
        foreach (var record in resolved.Values.OrderBy(r => r.Owner, StringComparer.Ordinal))
        {
            var key = StoreKeys.Service(_cluster, record.Namespace, record.Name);
            var json = _json.GetValue(record, r => r.ToJson());
            statuses.TryGetValue(key, out var stored);
            if (stored?.Json == json)
            {
                continue;
            }

            // Written by this agent and not yet seen back through the watch: do not write it again.
            if (_written.TryGetValue(key, out var written) && written.Json == json && mirrored < written.Revision)
            {
                continue;
            }

            writes.Add((stored is null ? StoreCompare.Absent(key) : StoreCompare.ModRevisionIs(key, stored.ModRevision), StoreOp.Put(key, json)));
        }

        foreach (var chunk in StoreTxn.Chunk(writes, StoreTxn.MaxOps, w => w.Put.EstimatedBytes, w => w.Put.Key))
        {
            var txn = await _store.TransactAsync(chunk.Select(w => w.Compare).ToList(), chunk.Select(w => w.Put).ToList(), [], cancellationToken)
                .ConfigureAwait(false);
            if (txn.Succeeded)
            {
                foreach (var (_, put) in chunk)
                {
                    _written[put.Key] = (put.Value!, txn.Revision);
                }
            }
        }

        return true;
    }

    private ServiceResource? DecodeService(KeyValue kv)
    {
        if (ResourceKey.TryParse(kv.Key) is not { } key || key.Kind != ResourceKind.Service)
        {
            return null;
        }

        var parsed = ManifestLoader.Parse(kv.Value, kv.Key);
        if (parsed.Errors.Count > 0 || parsed.Resources is not [ServiceResource service] || service.Key != key)
        {
            LogInvalidService(_logger, kv.Key, parsed.Errors.Count > 0 ? string.Join("; ", parsed.Errors) : "not a Service stored under its own key");
            return null;
        }

        return service;
    }

    private StoredStatus? DecodeStatus(KeyValue kv) =>
        ServiceStatusRecord.FromJson(kv.Value) is { } record && record.Cluster == _cluster && kv.Key == StoreKeys.Service(_cluster, record.Namespace, record.Name)
            ? new StoredStatus(record, kv.Value, kv.ModRevision)
            : null;

    private string StatusKey(ServiceResource service) => StoreKeys.Service(_cluster, service.Metadata.Namespace ?? "default", service.Metadata.Name);

    /// <summary>The allocation a record written for the same spec holds, when it is complete.</summary>
    private static Held? Adopt(ServiceStatusRecord record)
    {
        if (record.Errors.Count > 0 || record.Warnings.Count > 0)
        {
            return null;
        }

        IPAddress? clusterIp = null;
        if (!record.IsHeadless && !IPAddress.TryParse(record.ClusterIP, out clusterIp))
        {
            return null;
        }

        var nodePorts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var port in record.Ports)
        {
            if (port.NodePort is { } nodePort && Enum.TryParse<PortProtocol>(port.Protocol, ignoreCase: true, out var protocol))
            {
                nodePorts[NodePortAllocator.ServicePortName(port.Port, protocol)] = nodePort;
            }
        }

        IPAddress? lb = null;
        if (record.LoadBalancerIPs.Count > 0 && !IPAddress.TryParse(record.LoadBalancerIPs[0], out lb))
        {
            return null;
        }

        var allocation = new ServiceAllocation(record.Owner, clusterIp, nodePorts, lb, []) { IsHeadless = record.IsHeadless };
        return new Held(record.SpecHash, allocation, []);
    }

    /// <summary>The Service as NodePort (or ClusterIP without node ports), for allocating without a load-balancer pool.</summary>
    private static ServiceResource? WithoutLoadBalancer(ServiceResource service)
    {
        var json = service.Json;
        if (json["spec"] is not JsonObject spec)
        {
            return null;
        }

        var nodePorts = service.Spec.AllocateLoadBalancerNodePorts != false;
        spec["type"] = nodePorts ? "NodePort" : "ClusterIP";
        foreach (var field in (string[])["loadBalancerIP", "loadBalancerSourceRanges", "loadBalancerClass", "allocateLoadBalancerNodePorts", "healthCheckNodePort"])
        {
            spec.Remove(field);
        }

        if (!nodePorts)
        {
            spec.Remove("externalTrafficPolicy");
            foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port.Remove("nodePort");
            }
        }

        json.Remove("status");
        var parsed = ManifestLoader.Parse(json.ToJsonString(), service.Key.StoreKey);
        return parsed.Errors.Count == 0 && parsed.Resources is [ServiceResource served] ? served : null;
    }

    /// <summary>The spec hash of <paramref name="service"/>: the one of its last resolution when that was of this very object.</summary>
    private string SpecHashOf(ServiceResource service, string owner) =>
        _resolutions.TryGetValue(owner, out var last) && ReferenceEquals(last.Service, service) ? last.SpecHash : ServiceResolver.SpecHash(service);

    /// <summary>The Services in key order with their owners, sorted once per snapshot of the Services.</summary>
    private List<(ServiceResource Service, string Owner)> Ordered(ImmutableDictionary<string, ServiceResource> services)
    {
        if (_ordered is { } cached && ReferenceEquals(cached.Services, services))
        {
            return cached.Ordered;
        }

        var ordered = services.Values.OrderBy(s => s.Key.StoreKey, StringComparer.Ordinal).Select(s => (s, ServiceAllocator.OwnerOf(s))).ToList();
        _ordered = (services, ordered);
        return ordered;
    }

    private sealed record Held(string SpecHash, ServiceAllocation Allocation, IReadOnlyList<string> Warnings);

    /// <summary>The last resolution of one Service: what it was computed from (compared by reference) and the record.</summary>
    private sealed record Resolution(ServiceResource Service, string SpecHash, string SelectionKey, Held Held, List<EndpointRecord> Selected, ServiceStatusRecord Record);

    private sealed record StoredStatus(ServiceStatusRecord Record, string Json, long ModRevision);

    [LoggerMessage(EventId = 2130, Level = LogLevel.Information, Message = "Services: {Services} services, {Frontends} frontends synced to the datapath ({Added} added, {Updated} updated, {Removed} removed, {Errors} errors)")]
    private static partial void LogSynced(ILogger logger, int services, int frontends, int added, int updated, int removed, int errors);

    [LoggerMessage(EventId = 2131, Level = LogLevel.Warning, Message = "Services: the datapath could not program a frontend: {Reason}")]
    private static partial void LogFrontendFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2132, Level = LogLevel.Error, Message = "Services: datapath sync failed: {Reason}; retrying on the next change")]
    private static partial void LogSyncFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2133, Level = LogLevel.Warning, Message = "Services: stored Service {Key} is invalid and ignored: {Reason}")]
    private static partial void LogInvalidService(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 2134, Level = LogLevel.Information, Message = "Services: {Owner} deleted; released {Released} allocated values and its record")]
    private static partial void LogDeleted(ILogger logger, string owner, int released);

    [LoggerMessage(EventId = 2135, Level = LogLevel.Warning, Message = "Services: store unavailable: {Reason}; retrying")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2136, Level = LogLevel.Information, Message = "Services: store relisted; checking every Service again")]
    private static partial void LogResync(ILogger logger);
}
