using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's <c>Service</c>: a Service by namespace and name.</summary>
/// <param name="Name">Service name.</param>
/// <param name="Namespace">Service namespace.</param>
public sealed record FlowService(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string Namespace);
