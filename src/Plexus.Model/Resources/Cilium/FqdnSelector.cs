namespace Plexus.Model;

/// <summary>A DNS name (<c>matchName</c>) or wildcard pattern (<c>matchPattern</c>, <c>*</c> = any characters of a label).</summary>
/// <param name="MatchName">Exact name, when given.</param>
/// <param name="MatchPattern">Wildcard pattern, when given.</param>
public sealed record FqdnSelector(string? MatchName, string? MatchPattern);
