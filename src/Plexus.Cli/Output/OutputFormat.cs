namespace Plexus.Cli.Output;

/// <summary>How a command prints objects: tidy table by default, JSON or YAML for machines.</summary>
public enum OutputFormat
{
    /// <summary>Aligned columns for people.</summary>
    Table,

    /// <summary>Indented JSON.</summary>
    Json,

    /// <summary>YAML, re-appliable with <c>plexus apply</c>.</summary>
    Yaml,
}
