using System.Globalization;

namespace Plexus.Model;

/// <summary>One problem found in a manifest, located by file, document, resource, field path and position.</summary>
/// <param name="File">The file name the caller passed.</param>
/// <param name="Document">1-based number of the YAML document (the n-th <c>---</c> section).</param>
/// <param name="Resource">"Kind namespace/name" (or "Kind name" when cluster-scoped) when known.</param>
/// <param name="Path">Field path such as <c>spec.ingress[0].fromEndpoints[0].matchExpressions[1].operator</c>; empty for the whole document.</param>
/// <param name="Reason">What is wrong, and how to fix it when that is clear.</param>
/// <param name="Line">1-based line of the offending node.</param>
/// <param name="Column">1-based column of the offending node.</param>
public sealed record ManifestError(string File, int Document, string? Resource, string Path, string Reason, int Line, int Column)
{
    /// <summary>Formats as <c>file:line:col: document N (Kind ns/name): path: reason</c>.</summary>
    public override string ToString()
    {
        var resource = Resource is null ? "" : $" ({Resource})";
        var path = Path.Length == 0 ? "" : Path + ": ";
        return string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: document {Document}{resource}: {path}{Reason}");
    }
}
