namespace Plexus.Model;

/// <summary>A <c>toPorts</c> entry: ports, plus (allow rules only) L7 rules, TLS and listener settings.</summary>
public sealed record CiliumPortRule
{
    /// <summary>Ports; empty = every port.</summary>
    public IReadOnlyList<CiliumPort> Ports { get; init => field = ValueList<CiliumPort>.From(value); } = ValueList<CiliumPort>.Empty;

    /// <summary>L7 rules, when given.</summary>
    public L7Rules? Rules { get; init; }

    /// <summary>TLS SNI names.</summary>
    public IReadOnlyList<string> ServerNames { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    /// <summary>TLS termination settings.</summary>
    public TlsContext? TerminatingTls { get; init; }

    /// <summary>TLS origination settings.</summary>
    public TlsContext? OriginatingTls { get; init; }

    /// <summary>Envoy listener to redirect to.</summary>
    public ListenerReference? Listener { get; init; }
}
