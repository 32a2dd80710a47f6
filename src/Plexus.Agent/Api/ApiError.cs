namespace Plexus.Agent.Api;

/// <summary>Body of every API error response.</summary>
public sealed record ApiError(string Error);
