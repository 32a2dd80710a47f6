using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.Mirroring;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Datapath.Policy;
using Plexus.Datapath.Services;
using Plexus.Flows;
using Plexus.Model.State;
using Plexus.Policy;
using Plexus.Store;

namespace Plexus.Agent.Flows;

/// <summary>
/// Resolves flow endpoints from the cluster's endpoint and identity records (mirrored from the store), rule ids from
/// the node's policy maps, and default-deny sources from the policy controller's last compilation.
/// </summary>
public sealed class StoreFlowResolver : IFlowResolver
{
    private static readonly IReadOnlyList<string> WorldLabels = [IdentityLabels.ForReserved(ReservedIdentity.World).Labels[0].ToString()];
    private readonly string _cluster;
    private readonly string _node;
    private readonly PrefixMirror<EndpointRecord> _endpoints;
    private readonly PrefixMirror<IdentityLabels> _identities;
    private readonly IPolicyDatapath _policyMaps;
    private readonly IServiceDatapath _services;
    private readonly PolicyController _policies;
    private ImmutableDictionary<IPAddress, EndpointRecord> _byAddress = ImmutableDictionary<IPAddress, EndpointRecord>.Empty;
    private ImmutableDictionary<uint, IReadOnlyList<string>> _labels = ImmutableDictionary<uint, IReadOnlyList<string>>.Empty;

    /// <summary>A resolver for node <paramref name="node"/> of <paramref name="cluster"/>; call <see cref="RunAsync"/> to follow the store.</summary>
    public StoreFlowResolver(IStore store, string cluster, string node, IPolicyDatapath policyMaps, IServiceDatapath services, PolicyController policies, TimeProvider timeProvider, ILogger logger)
    {
        (_cluster, _node, _policyMaps, _services, _policies) = (cluster, node, policyMaps, services, policies);
        _endpoints = new PrefixMirror<EndpointRecord>(store, StoreKeys.EndpointsPrefix(cluster), kv => EndpointRecord.FromJson(kv.Value), timeProvider, logger);
        _identities = new PrefixMirror<IdentityLabels>(store, StoreKeys.IdentityIdsPrefix,
            kv => IdentityKeys.TryParseId(kv.Key, out _) && IdentityLabels.TryParse(kv.Value, out var labels) ? labels : null, timeProvider, logger);
    }

    /// <inheritdoc/>
    public string NodeName => $"{_cluster}/{_node}";

    /// <summary>Follows endpoint and identity records until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        _endpoints.RunAsync(_ => Volatile.Write(ref _byAddress, IndexEndpoints()), cancellationToken),
        _identities.RunAsync(_ => Volatile.Write(ref _labels, IndexIdentities()), cancellationToken));

    /// <inheritdoc/>
    public FlowEndpoint Endpoint(IPAddress address, uint identity)
    {
        var labels = Labels(identity);
        if (Volatile.Read(ref _byAddress).TryGetValue(address, out var record))
        {
            return new FlowEndpoint
            {
                Id = record.Node == _node ? record.Id : 0,
                Identity = identity,
                ClusterName = record.Cluster,
                Namespace = record.Namespace,
                PodName = record.Pod,
                Labels = labels.Count > 0 ? labels : record.Labels,
            };
        }

        return new FlowEndpoint { Identity = identity, Labels = labels };
    }

    /// <inheritdoc/>
    public IReadOnlyList<string>? RuleSources(uint ruleId) => _policyMaps.DescribeRule(ruleId);

    /// <inheritdoc/>
    public FlowService? Service(ushort serviceId) =>
        _services.ServiceOf(serviceId) is { } owner && owner.Split('/', 2) is [var ns, var name] ? new FlowService(name, ns) : null;

    /// <inheritdoc/>
    public IReadOnlyList<string> EnforcedBy(IPAddress address, int direction)
    {
        if (!Volatile.Read(ref _byAddress).TryGetValue(address, out var record) || record.Node != _node)
        {
            return [];
        }

        return _policies.Snapshot.Policies.TryGetValue(record.Id, out var policy)
            ? policy.For(direction == 1 ? PolicyDirection.Ingress : PolicyDirection.Egress).EnforcedBy
            : [];
    }

    private IReadOnlyList<string> Labels(uint identity)
    {
        if (IdentityNumbers.IsReserved(identity))
        {
            return identity == 0 ? [] : [IdentityLabels.ForReserved((ReservedIdentity)identity).Labels[0].ToString()];
        }

        if (IdentityNumbers.IsLocalScope(identity))
        {
            return WorldLabels;
        }

        return Volatile.Read(ref _labels).TryGetValue(identity, out var labels) ? labels : [];
    }

    private ImmutableDictionary<IPAddress, EndpointRecord> IndexEndpoints()
    {
        var index = ImmutableDictionary.CreateBuilder<IPAddress, EndpointRecord>();
        foreach (var record in _endpoints.Snapshot.Values)
        {
            if (record.Ip is { } ip && IPAddress.TryParse(ip, out var address))
            {
                index[address] = record;
            }
        }

        return index.ToImmutable();
    }

    private ImmutableDictionary<uint, IReadOnlyList<string>> IndexIdentities()
    {
        var index = ImmutableDictionary.CreateBuilder<uint, IReadOnlyList<string>>();
        foreach (var (key, labels) in _identities.Snapshot)
        {
            if (IdentityKeys.TryParseId(key, out var id))
            {
                index[id] = [.. labels.Labels.Select(l => l.ToString())];
            }
        }

        return index.ToImmutable();
    }
}
