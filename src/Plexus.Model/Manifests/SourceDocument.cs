namespace Plexus.Model;

/// <summary>One document of a manifest stream: its 1-based number and its root node (null when empty).</summary>
internal sealed record SourceDocument(int Number, SourceNode? Root);
