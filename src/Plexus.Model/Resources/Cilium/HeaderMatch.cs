namespace Plexus.Model;

/// <summary>An HTTP header condition (<c>headerMatches[]</c>).</summary>
public sealed record HeaderMatch
{
    /// <summary>Header name.</summary>
    public required string Name { get; init; }

    /// <summary>Expected value, when given.</summary>
    public string? Value { get; init; }

    /// <summary>Secret holding the expected value, when given.</summary>
    public SecretReference? Secret { get; init; }

    /// <summary>What to do on mismatch; null = deny the request.</summary>
    public HeaderMismatchAction? Mismatch { get; init; }
}
