using Plexus.Datapath.Services;

namespace Plexus.Agent.Api;

/// <summary>One programmed frontend in <c>GET /v1/services</c>.</summary>
/// <param name="Service">The Service, <c>namespace/name</c>.</param>
/// <param name="PortName">The service port's name, when it has one.</param>
/// <param name="Kind"><c>ClusterIP</c>, <c>NodePort</c>, <c>LoadBalancer</c> or <c>ExternalIP</c>.</param>
/// <param name="Address">The frontend address (<c>0.0.0.0</c> for node ports: every node address).</param>
/// <param name="Port">The frontend port.</param>
/// <param name="Protocol"><c>TCP</c> or <c>UDP</c>.</param>
/// <param name="AffinityTimeoutSeconds">ClientIP affinity timeout; null without affinity.</param>
/// <param name="ServiceId">The datapath's id of the frontend.</param>
/// <param name="Backends">The backends with this node's open connections to each.</param>
public sealed record ServiceFrontendView(
    string Service, string? PortName, string Kind, string Address, int Port, string Protocol, int? AffinityTimeoutSeconds, int ServiceId,
    IReadOnlyList<ServiceBackendView> Backends)
{
    /// <summary>The view of a datapath status entry.</summary>
    public static ServiceFrontendView From(ServiceFrontendStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var f = status.Frontend;
        return new ServiceFrontendView(
            f.Service, f.PortName, f.Kind.ToString(), f.Address.ToString(), f.Port, f.Protocol switch { 6 => "TCP", 17 => "UDP", var p => $"{p}" },
            f.AffinityTimeoutSeconds, status.ServiceId,
            [.. status.Backends.Select(b => new ServiceBackendView(b.Backend.Address.ToString(), b.Backend.Port, b.Backend.Pod, b.Backend.Node, b.Backend.Weight, b.BackendId, b.Connections))]);
    }
}
