namespace Plexus.Agent.Endpoints;

/// <summary>An endpoint on this node, as the agent keeps it (and persists it in its state directory).</summary>
public sealed record LocalEndpoint
{
    /// <summary>Node-local id (names the host-side veth).</summary>
    public required int Id { get; init; }

    /// <summary>Kubernetes namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Pod name.</summary>
    public required string Pod { get; init; }

    /// <summary>The pod's address.</summary>
    public required string Ip { get; init; }

    /// <summary>Security identity.</summary>
    public required uint Identity { get; init; }

    /// <summary>Host-side veth name.</summary>
    public required string Interface { get; init; }

    /// <summary>The pod's network namespace path.</summary>
    public required string Netns { get; init; }

    /// <summary>Pod labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Namespace labels.</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>Declared ports.</summary>
    public IReadOnlyList<EndpointPort> Ports { get; init; } = [];

    /// <summary>Lifecycle state: <c>ready</c> once plumbed.</summary>
    public string State { get; init; } = "ready";

    /// <summary><c>namespace/pod</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => $"{Namespace}/{Pod}";
}
