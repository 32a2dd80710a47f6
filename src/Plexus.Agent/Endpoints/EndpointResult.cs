namespace Plexus.Agent.Endpoints;

/// <summary>Outcome of an endpoint operation: the endpoint, or an HTTP status and reason.</summary>
public sealed record EndpointResult(LocalEndpoint? Endpoint, int Status, string? Error)
{
    /// <summary>Success.</summary>
    public static EndpointResult Ok(LocalEndpoint endpoint) => new(endpoint, 200, null);

    /// <summary>Bad request.</summary>
    public static EndpointResult BadRequest(string error) => new(null, 400, error);

    /// <summary>No such endpoint.</summary>
    public static EndpointResult NotFound(string error) => new(null, 404, error);

    /// <summary>Not ready yet: retry.</summary>
    public static EndpointResult Unavailable(string error) => new(null, 503, error);

    /// <summary>Failed.</summary>
    public static EndpointResult Failed(string error) => new(null, 500, error);
}
