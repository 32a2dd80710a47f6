namespace Plexus.Model;

/// <summary>The outcome of parsing a manifest: the valid resources and every error found.</summary>
/// <param name="Resources">Resources whose own document (or list item) had no error, in file order.</param>
/// <param name="Errors">All errors of all documents, ordered by document, line and column.</param>
public sealed record ManifestParseResult(IReadOnlyList<Resource> Resources, IReadOnlyList<ManifestError> Errors)
{
    /// <summary>True when no error was found; only then should the resources be applied.</summary>
    public bool Ok => Errors.Count == 0;
}
