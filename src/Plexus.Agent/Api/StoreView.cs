namespace Plexus.Agent.Api;

/// <summary>The store part of <see cref="AgentStatus"/>.</summary>
public sealed record StoreView(string Url, bool Connected, string? LastError, long Lease, DateTimeOffset? RegisteredAt, int Reconnects);
