using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plexus.Cli.Output;

/// <summary>Writes a JSON document as indented JSON or as YAML, the two machine formats of every command.</summary>
public static class Documents
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="document"/> in <paramref name="format"/> (JSON unless YAML is asked for).</summary>
    public static Task WriteAsync(TextWriter writer, JsonNode? document, OutputFormat format) =>
        writer.WriteAsync(format == OutputFormat.Yaml ? YamlText.FromJson(document) : (document?.ToJsonString(Indented) ?? "null") + "\n");
}
