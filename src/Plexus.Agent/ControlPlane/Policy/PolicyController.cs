using System.Collections.Immutable;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.IpCache;
using Plexus.Agent.ControlPlane.Mirroring;
using Plexus.Datapath.Policy;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Policy;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Policy;

/// <summary>
/// Enforces the cluster's network policies on this node's endpoints. Mirrors the stored policies (NetworkPolicy,
/// CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy), Namespaces, identities, the cluster's ipcache (addresses per
/// identity, for CIDR rules) and endpoint records (this node's endpoints; named ports of every endpoint); after a
/// burst of changes it feeds the immutable snapshots into a <see cref="PolicyRepository"/> (which ignores what did
/// not change), computes, programs the endpoints whose policy changed and removes those that are gone, and hands the
/// CIDR identities the policies need to the ipcache. Endpoints whose programming failed are retried.
/// </summary>
public sealed partial class PolicyController
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDebounce = TimeSpan.FromMilliseconds(200);
    private static readonly ResourceKind[] PolicyKinds = [ResourceKind.NetworkPolicy, ResourceKind.CiliumNetworkPolicy, ResourceKind.CiliumClusterwideNetworkPolicy];

    private readonly IStore _store;
    private readonly string _cluster;
    private readonly string _node;
    private readonly bool _audit;
    private readonly TimeSpan _debounce;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<bool> _kicks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly PolicyRepository _repository = new();
    private readonly HashSet<ResourceKey> _fedPolicies = [];
    private readonly HashSet<string> _fedNamespaces = new(StringComparer.Ordinal);
    private readonly HashSet<uint> _fedIdentities = [];
    private readonly HashSet<int> _fedEndpoints = [];
    private readonly HashSet<int> _failed = [];
    private readonly Dictionary<Cidr, uint> _cidrs = [];
    private List<PrefixMirror<Resource>> _policies = [];
    private PrefixMirror<NamespaceResource>? _namespaces;
    private PrefixMirror<IdentityLabels>? _identities;
    private IdentityIndex? _identityIndex;
    private PrefixMirror<IpCacheRecord>? _ipcache;
    private PrefixMirror<EndpointRecord>? _endpoints;
    private IPolicyDatapath? _datapath;
    private ICidrIdentitySink? _sink;
    private bool _adopted;
    private PolicyControllerState _state = PolicyControllerState.None;
    private PolicySnapshot _snapshot = PolicySnapshot.None;

    /// <summary>Creates the controller of <paramref name="config"/>'s node.</summary>
    public PolicyController(IStore store, AgentConfig config, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        (_store, _cluster, _node, _audit, _debounce, _timeProvider) = (store, config.Cluster, config.Node, config.PolicyAuditMode, config.PolicyDebounce, timeProvider);
        _logger = loggerFactory.CreateLogger<PolicyController>();
    }

    /// <summary>The last pass: revision, endpoints programmed, failures, warnings.</summary>
    public PolicyControllerState State => Volatile.Read(ref _state);

    /// <summary>The compiled policy of the last pass with its inputs, for traces (null-free; empty before the first pass).</summary>
    public PolicySnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Runs until cancelled, programming <paramref name="datapath"/> and writing CIDR identities to <paramref name="cidrs"/>.</summary>
    public async Task RunAsync(IPolicyDatapath datapath, ICidrIdentitySink cidrs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datapath);
        ArgumentNullException.ThrowIfNull(cidrs);
        if (Interlocked.CompareExchange(ref _datapath, datapath, null) is not null)
        {
            throw new InvalidOperationException("the policy controller is already running");
        }

        _sink = cidrs;
        _policies = PolicyKinds.Select(k => new PrefixMirror<Resource>(_store, ResourceKey.Prefix(k), kv => DecodePolicy(kv, k), _timeProvider, _logger)).ToList();
        _namespaces = new PrefixMirror<NamespaceResource>(_store, ResourceKey.Prefix(ResourceKind.Namespace), DecodeNamespace, _timeProvider, _logger);
        _identities = new PrefixMirror<IdentityLabels>(_store, StoreKeys.IdentityIdsPrefix, DecodeIdentity, _timeProvider, _logger);
        _ipcache = new PrefixMirror<IpCacheRecord>(_store, StoreKeys.IpCachePrefix(_cluster), IpCacheMirror.Decode, _timeProvider, _logger);
        _endpoints = new PrefixMirror<EndpointRecord>(_store, StoreKeys.EndpointsPrefix(_cluster), kv => EndpointRecord.FromJson(kv.Value), _timeProvider, _logger);
        var runs = _policies.Select(m => m.RunAsync(_ => Kick(), cancellationToken)).ToList();
        runs.Add(_namespaces.RunAsync(_ => Kick(), cancellationToken));
        runs.Add(_identities.RunAsync(_ => Kick(), cancellationToken));
        runs.Add(_ipcache.RunAsync(_ => Kick(), cancellationToken));
        runs.Add(_endpoints.RunAsync(_ => Kick(), cancellationToken));
        runs.Add(ReconcileLoopAsync(cancellationToken));
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private void Kick() => _kicks.Writer.TryWrite(true);

    private async Task ReconcileLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_policies.Select(m => m.Synced)
                    .Append(_namespaces!.Synced).Append(_identities!.Synced).Append(_ipcache!.Synced).Append(_endpoints!.Synced))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                var waited = TimeSpan.Zero;
                do
                {
                    await Task.Delay(_debounce, _timeProvider, cancellationToken).ConfigureAwait(false);
                    waited += _debounce;
                }
                while (_kicks.Reader.TryRead(out _) && waited < MaxDebounce);

                if (!Reconcile())
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

    /// <summary>One pass over the current snapshots; false when an endpoint could not be programmed and must be retried.</summary>
    private bool Reconcile()
    {
        FeedPolicies();
        FeedNamespaces();
        var endpoints = _endpoints!.Snapshot.Values.Where(e => e.Cluster == _cluster).ToList();
        FeedIdentities(endpoints);
        FeedEndpoints(endpoints);

        var update = _repository.Compute();
        var datapath = _datapath!;
        var programmed = 0;
        foreach (var id in update.Removed)
        {
            _failed.Remove(id);
            Report(datapath.Remove(id));
        }

        if (!_adopted)
        {
            // Endpoints programmed by an earlier run that this node no longer has.
            foreach (var id in datapath.Endpoints.Where(id => !_repository.Policies.ContainsKey(id)).ToList())
            {
                Report(datapath.Remove(id));
            }

            _adopted = true;
        }

        var retry = _failed.Where(id => _repository.Policies.ContainsKey(id)).Select(id => _repository.Policies[id]).ToList();
        foreach (var policy in update.Changed.Concat(retry).DistinctBy(p => p.EndpointId))
        {
            var result = datapath.Sync(policy.EndpointId, policy.Entries, policy.Ingress, policy.Egress);
            programmed++;
            if (result.Succeeded)
            {
                _failed.Remove(policy.EndpointId);
            }
            else
            {
                _failed.Add(policy.EndpointId);
            }

            Report(result);
        }

        SyncCidrs();
        var warnings = _repository.Warnings;
        Volatile.Write(ref _state, new PolicyControllerState(update.Revision, _repository.Policies.Count, programmed, _failed.Order().ToList(), warnings));
        Volatile.Write(ref _snapshot, new PolicySnapshot(update.Revision, _repository.Policies.ToImmutableDictionary(), [.. _failed],
            _endpoints!.Snapshot, _identities!.Snapshot, [.. _repository.CidrIdentities]));
        if (update.Changed.Count > 0 || update.Removed.Count > 0)
        {
            LogComputed(_logger, update.Revision, update.Changed.Count, update.Removed.Count, update.Recomputed);
        }

        return _failed.Count == 0;
    }

    private void FeedPolicies()
    {
        var present = new HashSet<ResourceKey>();
        foreach (var policy in _policies.SelectMany(m => m.Snapshot.Values).OrderBy(p => p.Key.StoreKey, StringComparer.Ordinal))
        {
            try
            {
                _repository.UpsertPolicy(policy);
                present.Add(policy.Key);
            }
#pragma warning disable CA1031 // one policy the compiler rejects must not stop the others; it is logged and left out
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogPolicyRejected(_logger, policy.Key.StoreKey, e.Message);
            }
        }

        foreach (var key in _fedPolicies.Where(k => !present.Contains(k)).ToList())
        {
            _repository.RemovePolicy(key);
        }

        _fedPolicies.Clear();
        _fedPolicies.UnionWith(present);
    }

    private void FeedNamespaces()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ns in _namespaces!.Snapshot.Values)
        {
            _repository.UpsertNamespace(ns);
            present.Add(ns.Metadata.Name);
        }

        foreach (var name in _fedNamespaces.Where(n => !present.Contains(n)).ToList())
        {
            _repository.RemoveNamespace(name);
        }

        _fedNamespaces.Clear();
        _fedNamespaces.UnionWith(present);
    }

    private void FeedIdentities(List<EndpointRecord> endpoints)
    {
        var addresses = _ipcache!.Snapshot.Values
            .Where(r => r.Identity != 0)
            .Select(r => (r.Identity, Address: IPAddress.TryParse(r.Ip, out var ip) ? ip : null))
            .Where(r => r.Address is not null)
            .ToLookup(r => r.Identity, r => r.Address!);
        var ports = endpoints
            .SelectMany(e => NamedPortsOf(e).Select(p => (e.Identity, Port: p)))
            .ToLookup(p => p.Identity, p => p.Port);
        var present = new HashSet<uint>();
        foreach (var (key, labels) in _identities!.Snapshot)
        {
            if (!IdentityKeys.TryParseId(key, out var number) || IdentityNumbers.IsLocalScope(number) || number == 0)
            {
                continue;
            }

            _repository.UpsertIdentity(new PolicyIdentity
            {
                Number = number,
                Labels = labels,
                Addresses = [.. addresses[number].Distinct().OrderBy(a => a.ToString(), StringComparer.Ordinal)],
                NamedPorts = [.. ports[number].Distinct().OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Protocol).ThenBy(p => p.Port)],
            });
            present.Add(number);
        }

        foreach (var number in _fedIdentities.Where(n => !present.Contains(n)).ToList())
        {
            _repository.RemoveIdentity(number);
        }

        _fedIdentities.Clear();
        _fedIdentities.UnionWith(present);
    }

    private void FeedEndpoints(List<EndpointRecord> endpoints)
    {
        var present = new HashSet<int>();
        foreach (var record in endpoints.Where(e => e.Node == _node && e.Identity != 0 && e.State != EndpointState.Disconnecting))
        {
            _repository.UpsertEndpoint(new PolicyEndpoint
            {
                Id = record.Id,
                Identity = record.Identity,
                Namespace = record.Namespace,
                Labels = PodLabelsOf(record),
                NamedPorts = NamedPortsOf(record),
                AuditMode = _audit,
            });
            present.Add(record.Id);
        }

        foreach (var id in _fedEndpoints.Where(i => !present.Contains(i)).ToList())
        {
            _repository.RemoveEndpoint(id);
        }

        _fedEndpoints.Clear();
        _fedEndpoints.UnionWith(present);
    }

    /// <summary>Writes the CIDR identities the policies need into the ipcache and removes those no longer needed.</summary>
    private void SyncCidrs()
    {
        var wanted = _repository.CidrIdentities.Where(c => c.Cidr.IsIPv4).ToDictionary(c => c.Cidr, c => c.Number);
        foreach (var (cidr, number) in _cidrs.Where(c => !wanted.TryGetValue(c.Key, out var n) || n != c.Value).ToList())
        {
            _sink!.Remove(new CidrIdentity(cidr, number));
            _cidrs.Remove(cidr);
        }

        foreach (var (cidr, number) in wanted.Where(w => !_cidrs.ContainsKey(w.Key)))
        {
            _sink!.Upsert(new CidrIdentity(cidr, number));
            _cidrs[cidr] = number;
        }
    }

    private void Report(PolicySyncResult result)
    {
        if (!result.Succeeded)
        {
            LogEndpointFailed(_logger, result.EndpointId, result.Error.ToString(), result.Message ?? string.Empty);
        }
        else if (!result.Unchanged)
        {
            LogEndpointProgrammed(_logger, result.EndpointId, result.Added, result.Updated, result.Removed);
        }
    }

    private static IReadOnlyList<NamedPort> NamedPortsOf(EndpointRecord record) =>
        [.. record.Ports
            .Where(p => !string.IsNullOrEmpty(p.Name) && Enum.TryParse<PortProtocol>(p.Protocol, ignoreCase: true, out _))
            .Select(p => new NamedPort(p.Name!, IpProtocols.Of(Enum.Parse<PortProtocol>(p.Protocol, ignoreCase: true)), p.Port))];

    /// <summary>The pod's own labels (source k8s, not the namespace, service account or cluster labels the identity adds).</summary>
    private static Dictionary<string, string> PodLabelsOf(EndpointRecord record)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in record.Labels)
        {
            if (IdentityLabel.TryParse(text, out var label) && label.Source == IdentityLabels.KubernetesSource
                && !label.Key.StartsWith("io.kubernetes.", StringComparison.Ordinal) && !label.Key.StartsWith("io.cilium.", StringComparison.Ordinal))
            {
                labels[label.Key] = label.Value;
            }
        }

        return labels;
    }

    private Resource? DecodePolicy(KeyValue kv, ResourceKind kind)
    {
        if (ResourceKey.TryParse(kv.Key) is not { } key || key.Kind != kind)
        {
            return null;
        }

        var parsed = ManifestLoader.Parse(kv.Value, kv.Key);
        if (parsed.Errors.Count > 0 || parsed.Resources is not [var resource] || resource.Key != key)
        {
            LogPolicyRejected(_logger, kv.Key, parsed.Errors.Count > 0 ? string.Join("; ", parsed.Errors) : "not a policy stored under its own key");
            return null;
        }

        return resource;
    }

    private static NamespaceResource? DecodeNamespace(KeyValue kv)
    {
        var parsed = ManifestLoader.Parse(kv.Value, kv.Key);
        return parsed.Errors.Count == 0 && parsed.Resources is [NamespaceResource ns] ? ns : null;
    }

    /// <summary>
    /// The cluster's identity for labels in canonical form, from the mirrored id keys; null when none is known or the
    /// mirror is not running yet. The answer may be stale: callers confirm it in the store.
    /// </summary>
    public uint? IdentityOf(string canonicalLabels)
    {
        if (Volatile.Read(ref _identities) is not { } mirror)
        {
            return null;
        }

        var snapshot = mirror.Snapshot;
        var index = Volatile.Read(ref _identityIndex);
        if (index is null || !ReferenceEquals(index.Snapshot, snapshot))
        {
            var byLabels = new Dictionary<string, uint>(snapshot.Count, StringComparer.Ordinal);
            foreach (var (key, labels) in snapshot)
            {
                if (IdentityKeys.TryParseId(key, out var id))
                {
                    byLabels.TryAdd(labels.Canonical, id);
                }
            }

            index = new IdentityIndex(snapshot, byLabels);
            Volatile.Write(ref _identityIndex, index);
        }

        return index.ByLabels.TryGetValue(canonicalLabels, out var identity) ? identity : null;
    }

    private static IdentityLabels? DecodeIdentity(KeyValue kv) =>
        IdentityKeys.TryParseId(kv.Key, out _) && IdentityLabels.TryParse(kv.Value, out var labels) ? labels : null;

    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "Policy revision {Revision}: {Changed} endpoints changed, {Removed} removed ({Recomputed} recompiled)")]
    private static partial void LogComputed(ILogger logger, long revision, int changed, int removed, int recomputed);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Debug, Message = "Endpoint {Endpoint}: policy programmed (+{Added} ~{Updated} -{Removed})")]
    private static partial void LogEndpointProgrammed(ILogger logger, int endpoint, int added, int updated, int removed);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "Endpoint {Endpoint}: policy not programmed ({Error}): {Reason}")]
    private static partial void LogEndpointFailed(ILogger logger, int endpoint, string error, string reason);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Policy {Key} ignored: {Reason}")]
    private static partial void LogPolicyRejected(ILogger logger, string key, string reason);

    private sealed record IdentityIndex(ImmutableDictionary<string, IdentityLabels> Snapshot, Dictionary<string, uint> ByLabels);
}
