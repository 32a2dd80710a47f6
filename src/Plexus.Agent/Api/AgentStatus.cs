namespace Plexus.Agent.Api;

/// <summary>Body of <c>GET /v1/status</c>.</summary>
public sealed record AgentStatus(
    string Node, string Cluster, int ClusterId, string Version, int Pid, DateTimeOffset StartedAt, long UptimeSeconds, StoreView Store, DatapathView Datapath);
