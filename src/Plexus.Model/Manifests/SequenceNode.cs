namespace Plexus.Model;

/// <summary>A sequence (YAML list or JSON array).</summary>
internal sealed class SequenceNode(int line, int column) : SourceNode(line, column)
{
    private readonly List<SourceNode> _items = [];

    /// <summary>The items in document order.</summary>
    public IReadOnlyList<SourceNode> Items => _items;

    /// <summary>Adds an item while the document is being built.</summary>
    public void Add(SourceNode item) => _items.Add(item);

    /// <inheritdoc/>
    public override string Describe() => "a list";
}
