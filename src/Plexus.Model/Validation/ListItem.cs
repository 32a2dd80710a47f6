namespace Plexus.Model;

/// <summary>An item of a list being read, with its path.</summary>
internal sealed record ListItem(SourceNode Node, string Path, int Index);
