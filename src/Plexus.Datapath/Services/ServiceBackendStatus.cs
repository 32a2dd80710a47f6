namespace Plexus.Datapath.Services;

/// <summary>A programmed backend with its datapath id and the connections this node has open to it through the frontend.</summary>
public sealed record ServiceBackendStatus(ServiceBackend Backend, int BackendId, long Connections);
