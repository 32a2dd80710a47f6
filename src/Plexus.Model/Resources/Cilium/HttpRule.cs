namespace Plexus.Model;

/// <summary>An HTTP rule; method, path and host are regular expressions matched against the whole value.</summary>
public sealed record HttpRule
{
    /// <summary>Method regex (e.g. <c>GET|HEAD</c>).</summary>
    public string? Method { get; init; }

    /// <summary>Path regex (e.g. <c>/api/v1/.*</c>).</summary>
    public string? Path { get; init; }

    /// <summary>Host header regex.</summary>
    public string? Host { get; init; }

    /// <summary>Headers that must be present: <c>Name</c> or <c>Name: value</c>.</summary>
    public IReadOnlyList<string> Headers { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    /// <summary>Header matches with an action on mismatch.</summary>
    public IReadOnlyList<HeaderMatch> HeaderMatches { get; init => field = ValueList<HeaderMatch>.From(value); } = ValueList<HeaderMatch>.Empty;
}
