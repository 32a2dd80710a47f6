namespace Plexus.Model;

/// <summary>One port of a Service.</summary>
public sealed record ServicePort
{
    /// <summary>Port name (required when the Service has several ports).</summary>
    public string? Name { get; init; }

    /// <summary>Protocol; TCP when not written.</summary>
    public PortProtocol Protocol { get; init; } = PortProtocol.Tcp;

    /// <summary>The port the Service listens on.</summary>
    public required int Port { get; init; }

    /// <summary>The backend port (number, or a name declared by the pods); defaults to <see cref="Port"/>.</summary>
    public required PortRef TargetPort { get; init; }

    /// <summary>Node port (NodePort/LoadBalancer only); null = allocate.</summary>
    public int? NodePort { get; init; }

    /// <summary>Application protocol hint, when given.</summary>
    public string? AppProtocol { get; init; }
}
