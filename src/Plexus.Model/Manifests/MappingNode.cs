namespace Plexus.Model;

/// <summary>A mapping: its entries in document order, keyed by scalar text (the first of duplicate keys wins).</summary>
internal sealed class MappingNode(int line, int column) : SourceNode(line, column)
{
    private readonly List<KeyValuePair<ScalarNode, SourceNode>> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<ScalarNode> _duplicateKeys = [];
    private readonly List<SourceNode> _invalidKeys = [];

    /// <summary>Entries in document order, duplicates excluded.</summary>
    public IReadOnlyList<KeyValuePair<ScalarNode, SourceNode>> Entries => _entries;

    /// <summary>Keys that repeat an earlier key of the same mapping.</summary>
    public IReadOnlyList<ScalarNode> DuplicateKeys => _duplicateKeys;

    /// <summary>Keys that are mappings or sequences (not representable as JSON).</summary>
    public IReadOnlyList<SourceNode> InvalidKeys => _invalidKeys;

    /// <summary>Adds an entry while the document is being built.</summary>
    public void Add(SourceNode key, SourceNode value)
    {
        if (key is not ScalarNode scalar)
        {
            _invalidKeys.Add(key);
            return;
        }

        if (!_index.TryAdd(scalar.Text, _entries.Count))
        {
            _duplicateKeys.Add(scalar);
            return;
        }

        _entries.Add(new(scalar, value));
    }

    /// <summary>The value of <paramref name="key"/>, or null when absent.</summary>
    public SourceNode? Find(string key) => _index.TryGetValue(key, out var i) ? _entries[i].Value : null;

    /// <summary>The key node of <paramref name="key"/>, or null when absent.</summary>
    public ScalarNode? FindKey(string key) => _index.TryGetValue(key, out var i) ? _entries[i].Key : null;

    /// <inheritdoc/>
    public override string Describe() => "a mapping";
}
