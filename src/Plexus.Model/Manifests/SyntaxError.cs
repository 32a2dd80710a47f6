namespace Plexus.Model;

/// <summary>A YAML syntax error: the document it interrupted, where, and why.</summary>
internal sealed record SyntaxError(int Document, int Line, int Column, string Reason);
