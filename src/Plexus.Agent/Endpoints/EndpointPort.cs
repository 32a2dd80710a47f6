namespace Plexus.Agent.Endpoints;

/// <summary>A declared container port.</summary>
public sealed record EndpointPort(int Port, string Protocol, string? Name);
