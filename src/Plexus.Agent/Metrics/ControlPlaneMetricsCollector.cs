using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Agent.Datapath;
using Plexus.Agent.Endpoints;
using Plexus.Agent.Registration;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Counts the control plane already keeps in memory (snapshots and counters, no store or map reads): endpoints,
/// identities, Services and frontends, policy programming state, store connectivity, and the agent's identity.
/// </summary>
public sealed class ControlPlaneMetricsCollector(
    AgentConfig config,
    AgentState state,
    EndpointManager endpoints,
    IdentityAllocator identities,
    ServiceController services,
    PolicyController policies,
    DatapathController datapath) : IMetricsCollector
{
    /// <inheritdoc/>
    public string Name => "control-plane";

    /// <inheritdoc/>
    public void Collect(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add(MetricCatalogue.AgentInfo, 1, AgentInfo.Version, config.Cluster, config.Node);
        var store = state.Store;
        writer.Add(MetricCatalogue.StoreConnected, store.Connected ? 1 : 0);
        writer.Add(MetricCatalogue.StoreReconnects, store.Reconnects);
        writer.Add(MetricCatalogue.Identities, identities.Held.Count);
        if (!endpoints.Ready)
        {
            return;
        }

        writer.Add(MetricCatalogue.Endpoints, endpoints.List().Count);
        writer.Add(MetricCatalogue.Services, services.Resolved.Count);
        writer.Add(MetricCatalogue.ServiceFrontends, services.State.Frontends);
        var compiled = policies.Snapshot.Policies.Values;
        writer.Add(MetricCatalogue.PolicyEnforcedEndpoints, compiled.Count(p => p.Ingress.DefaultDeny), "INGRESS");
        writer.Add(MetricCatalogue.PolicyEnforcedEndpoints, compiled.Count(p => p.Egress.DefaultDeny), "EGRESS");
        writer.Add(MetricCatalogue.PolicyRevision, policies.State.Revision);
        if (datapath.Datapath is { } dp)
        {
            var counts = dp.Policy.Counts;
            writer.Add(MetricCatalogue.PolicyEndpoints, counts.Endpoints);
            writer.Add(MetricCatalogue.PolicyFailedEndpoints, counts.Failed);
        }
    }
}
