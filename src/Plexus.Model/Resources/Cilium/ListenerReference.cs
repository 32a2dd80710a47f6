namespace Plexus.Model;

/// <summary>An Envoy listener a port rule redirects to.</summary>
public sealed record ListenerReference
{
    /// <summary><c>CiliumEnvoyConfig</c> or <c>CiliumClusterwideEnvoyConfig</c>.</summary>
    public required string EnvoyConfigKind { get; init; }

    /// <summary>Name of the Envoy config resource.</summary>
    public required string EnvoyConfigName { get; init; }

    /// <summary>Listener name within it.</summary>
    public required string Name { get; init; }

    /// <summary>Priority (1–100; lower wins) when several listeners apply.</summary>
    public int? Priority { get; init; }
}
