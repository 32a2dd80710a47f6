namespace Plexus.Model;

/// <summary>A node of a parsed YAML or JSON document, with the 1-based position where it starts.</summary>
internal abstract class SourceNode(int line, int column)
{
    /// <summary>1-based line of the node's first character.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column of the node's first character.</summary>
    public int Column { get; } = column;

    /// <summary>Describes the node in type errors: "a mapping", "a list", "integer 80", …</summary>
    public abstract string Describe();
}
