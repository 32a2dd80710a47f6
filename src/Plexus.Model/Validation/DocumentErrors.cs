namespace Plexus.Model;

/// <summary>Collects the errors of one document; each remembers the scope (resource) it belongs to.</summary>
internal sealed class DocumentErrors(string file, int document)
{
    private readonly List<(ValidationScope? Scope, string Path, string Reason, int Line, int Column)> _errors = [];

    /// <summary>The file name the caller passed.</summary>
    public string File { get; } = file;

    /// <summary>1-based document number.</summary>
    public int Document { get; } = document;

    /// <summary>Records an error; its resource name is taken from <paramref name="scope"/> when the errors are built.</summary>
    public void Add(ValidationScope? scope, string path, string reason, int line, int column) =>
        _errors.Add((scope, path, reason, line, column));

    /// <summary>The errors, stamped with their resource names, in document order.</summary>
    public IEnumerable<ManifestError> Build() => _errors
        .Select(e => new ManifestError(File, Document, e.Scope?.Resource, e.Path, e.Reason, e.Line, e.Column))
        .OrderBy(e => e.Line)
        .ThenBy(e => e.Column);
}
