namespace Plexus.Agent.Api;

/// <summary>The datapath part of <c>GET /v1/status</c>.</summary>
public sealed record DatapathView(
    bool Enabled,
    bool Ready,
    string? Error,
    string? PodCidr,
    string? NodeAddress,
    string? PinDirectory,
    IReadOnlyList<ProgramView> Programs,
    IReadOnlyList<MapView> Maps,
    int Endpoints);
