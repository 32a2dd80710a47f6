namespace Plexus.Model.State;

/// <summary>One resolved port of a Service: what it listens on, its node port, and its backends.</summary>
public sealed record ServiceStatusPort
{
    /// <summary>The service port's name, when it has one.</summary>
    public string? Name { get; init; }

    /// <summary>The service port.</summary>
    public required int Port { get; init; }

    /// <summary><c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The target port as written: a number or a name.</summary>
    public required string TargetPort { get; init; }

    /// <summary>The node port (NodePort and LoadBalancer Services); null otherwise.</summary>
    public int? NodePort { get; init; }

    /// <summary>The backends, sorted by address and port.</summary>
    public IReadOnlyList<ServiceStatusBackend> Backends { get; init; } = [];
}
