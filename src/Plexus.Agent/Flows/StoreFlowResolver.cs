using System.Collections.Concurrent;
using System.Net;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Datapath.Policy;
using Plexus.Datapath.Services;
using Plexus.Flows;
using Plexus.Model.State;
using Plexus.Policy;

namespace Plexus.Agent.Flows;

/// <summary>
/// Resolves flow endpoints from the cluster's endpoint and identity records as the policy controller last mirrored
/// them (its snapshot; no watches of its own), rule ids from the node's policy maps, and default-deny sources from the
/// same snapshot's compilation.
/// </summary>
public sealed class StoreFlowResolver(string cluster, string node, IPolicyDatapath policyMaps, IServiceDatapath services, PolicyController policies) : IFlowResolver
{
    // Endpoints resolved under one snapshot are kept with it (flows are immutable and share them): a node's flows name
    // the same few endpoints over and over.
    private const int EndpointCacheLimit = 16_384;
    private static readonly IReadOnlyList<string> WorldLabels = [IdentityLabels.ForReserved(ReservedIdentity.World).Labels[0].ToString()];
    private Index _index = new(PolicySnapshot.None);

    /// <inheritdoc/>
    public string NodeName => $"{cluster}/{node}";

    /// <inheritdoc/>
    public FlowEndpoint Endpoint(IPAddress address, uint identity)
    {
        var index = Current();
        if (index.Endpoints.TryGetValue((address, identity), out var known))
        {
            return known;
        }

        var endpoint = Resolve(index, address, identity);
        if (index.Endpoints.Count < EndpointCacheLimit)
        {
            index.Endpoints.TryAdd((address, identity), endpoint);
        }

        return endpoint;
    }

    private FlowEndpoint Resolve(Index index, IPAddress address, uint identity)
    {
        var labels = Labels(index, identity);
        if (index.ByAddress.TryGetValue(address, out var record))
        {
            return new FlowEndpoint
            {
                Id = record.Node == node ? record.Id : 0,
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
    public IReadOnlyList<string>? RuleSources(uint ruleId) => policyMaps.DescribeRule(ruleId);

    /// <inheritdoc/>
    public FlowService? Service(ushort serviceId) =>
        services.ServiceOf(serviceId) is { } owner && owner.Split('/', 2) is [var ns, var name] ? new FlowService(name, ns) : null;

    /// <inheritdoc/>
    public IReadOnlyList<string> EnforcedBy(IPAddress address, int direction)
    {
        var index = Current();
        if (!index.ByAddress.TryGetValue(address, out var record) || record.Node != node)
        {
            return [];
        }

        return index.Snapshot.Policies.TryGetValue(record.Id, out var policy)
            ? policy.For(direction == 1 ? PolicyDirection.Ingress : PolicyDirection.Egress).EnforcedBy
            : [];
    }

    private static IReadOnlyList<string> Labels(Index index, uint identity)
    {
        if (IdentityNumbers.IsReserved(identity))
        {
            return identity == 0 ? [] : [IdentityLabels.ForReserved((ReservedIdentity)identity).Labels[0].ToString()];
        }

        if (IdentityNumbers.IsLocalScope(identity))
        {
            return WorldLabels;
        }

        return index.Labels.TryGetValue(identity, out var labels) ? labels : [];
    }

    /// <summary>The lookup tables of the controller's current snapshot, rebuilt only when it published a new one.</summary>
    private Index Current()
    {
        var snapshot = policies.Snapshot;
        var index = Volatile.Read(ref _index);
        if (!ReferenceEquals(index.Snapshot, snapshot))
        {
            index = new Index(snapshot);
            Volatile.Write(ref _index, index);
        }

        return index;
    }

    private sealed class Index
    {
        public Index(PolicySnapshot snapshot)
        {
            Snapshot = snapshot;
            var byAddress = new Dictionary<IPAddress, EndpointRecord>();
            foreach (var record in snapshot.Endpoints.Values)
            {
                if (record.Ip is { } ip && IPAddress.TryParse(ip, out var address))
                {
                    byAddress[address] = record;
                }
            }

            var labels = new Dictionary<uint, IReadOnlyList<string>>();
            foreach (var (key, set) in snapshot.Identities)
            {
                if (IdentityKeys.TryParseId(key, out var id))
                {
                    labels[id] = [.. set.Labels.Select(l => l.ToString())];
                }
            }

            (ByAddress, Labels) = (byAddress, labels);
        }

        public PolicySnapshot Snapshot { get; }

        public Dictionary<IPAddress, EndpointRecord> ByAddress { get; }

        public Dictionary<uint, IReadOnlyList<string>> Labels { get; }

        public ConcurrentDictionary<(IPAddress Address, uint Identity), FlowEndpoint> Endpoints { get; } = new();
    }
}
