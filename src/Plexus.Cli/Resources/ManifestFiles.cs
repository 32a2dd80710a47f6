using Plexus.Cli.Infrastructure;

namespace Plexus.Cli.Resources;

/// <summary>Reads what <c>-f</c> names: a file, every <c>.yaml/.yml/.json</c> file of a directory (sorted), or <c>-</c> for standard input.</summary>
public static class ManifestFiles
{
    /// <summary>One manifest text and the name errors should use for it.</summary>
    public sealed record Source(string Name, string Text);

    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Reads every source; a missing path is bad input naming it.</summary>
    public static async Task<IReadOnlyList<Source>> ReadAsync(IEnumerable<string> paths, TextReader stdin, CancellationToken cancellationToken)
    {
        var sources = new List<Source>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                sources.Add(new Source("<stdin>", await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false)));
            }
            else if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    throw CliException.BadInput($"{path}: directory holds no .yaml, .yml or .json files");
                }

                foreach (var file in files)
                {
                    sources.Add(new Source(file, await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)));
                }
            }
            else if (File.Exists(path))
            {
                sources.Add(new Source(path, await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)));
            }
            else
            {
                throw CliException.BadInput($"{path}: no such file or directory");
            }
        }

        return sources;
    }
}
