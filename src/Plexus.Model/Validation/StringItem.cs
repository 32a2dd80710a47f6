namespace Plexus.Model;

/// <summary>A string read from a list, with its node and path for follow-up errors.</summary>
internal sealed record StringItem(string Value, SourceNode Node, string Path);
