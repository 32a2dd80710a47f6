using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>
/// The validation of one resource (a document, or an item of a list document). Owns the object readers it
/// creates and, on <see cref="Complete"/>, lets each report the fields nobody asked for.
/// </summary>
internal sealed class ValidationScope(DocumentErrors document)
{
    private readonly List<ObjectReader> _readers = [];

    /// <summary>"Kind namespace/name" as far as known; used to label errors.</summary>
    public string? Resource { get; set; }

    /// <summary>Errors reported in this scope so far.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>Records an error at <paramref name="node"/>.</summary>
    public void Error(string path, SourceNode node, string reason)
    {
        ErrorCount++;
        document.Add(this, path, reason, node.Line, node.Column);
    }

    /// <summary>Creates a reader over <paramref name="node"/> writing the normalized fields into <paramref name="output"/>.</summary>
    public ObjectReader Reader(MappingNode node, string path, JsonObject output, SourceNode? anchor = null)
    {
        var reader = new ObjectReader(this, node, path, output, anchor);
        _readers.Add(reader);
        return reader;
    }

    /// <summary>Reports unknown fields of every reader; call once when the resource has been read.</summary>
    public void Complete()
    {
        foreach (var reader in _readers)
        {
            reader.ReportUnknownFields();
        }
    }
}
