namespace Plexus.Agent.Api;

/// <summary>Body of <c>GET /v1/healthz</c>.</summary>
public sealed record Health(string Status, string? Reason);
