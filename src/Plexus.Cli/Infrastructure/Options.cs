using System.CommandLine;
using Plexus.Cli.Output;

namespace Plexus.Cli.Infrastructure;

/// <summary>Options shared by several commands, defined once so they read the same everywhere.</summary>
public static class Options
{
    /// <summary><c>-n/--namespace</c>.</summary>
    public static Option<string?> Namespace() => new("--namespace", "-n") { Description = "Namespace (default: default)" };

    /// <summary><c>-o/--output table|json|yaml</c>.</summary>
    public static Option<OutputFormat> Output() => new("--output", "-o")
    {
        Description = "Output format: table, json or yaml",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = r =>
        {
            var value = r.Tokens.Count == 0 ? "table" : r.Tokens[0].Value;
            switch (value.ToLowerInvariant())
            {
                case "table" or "wide":
                    return OutputFormat.Table;
                case "json":
                    return OutputFormat.Json;
                case "yaml" or "yml":
                    return OutputFormat.Yaml;
                default:
                    r.AddError($"--output: \"{value}\" is not one of table, json, yaml");
                    return OutputFormat.Table;
            }
        },
    };
}
