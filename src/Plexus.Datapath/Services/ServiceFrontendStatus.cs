namespace Plexus.Datapath.Services;

/// <summary>What the datapath has programmed for one frontend, with live counts.</summary>
/// <param name="Frontend">The frontend as last synced.</param>
/// <param name="ServiceId">The datapath's id of the frontend (reverse-NAT id).</param>
/// <param name="Backends">Per backend: the backend and its open connections on this node (from conntrack).</param>
public sealed record ServiceFrontendStatus(ServiceFrontend Frontend, int ServiceId, IReadOnlyList<ServiceBackendStatus> Backends);
