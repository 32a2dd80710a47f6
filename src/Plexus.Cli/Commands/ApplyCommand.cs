using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Resources;
using Plexus.Model;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus apply -f FILE|DIR|- [--dry-run]</c>: validate every document, then store them all, or nothing.</summary>
public static class ApplyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var files = new Option<string[]>("--filename", "-f") { Description = "Manifest file, directory or - for stdin (repeatable)", Required = true, AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate only; needs no store" };
        var command = new Command("apply", "Create or update resources from YAML/JSON manifests (all or nothing)") { files, dryRun };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(c, parse.GetValue(files)!, parse.GetValue(dryRun), ct)));
        return command;
    }

    /// <summary>Runs an apply.</summary>
    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> paths, bool dryRun, CancellationToken cancellationToken)
    {
        var resources = await LoadValidAsync(context, paths, cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            foreach (var resource in resources)
            {
                await context.Out.WriteLineAsync($"{Describe(resource)} valid (dry run)").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }

        var store = context.OpenStore();
        try
        {
            var repository = new ResourceRepository(store, context.Time);
            await foreach (var (resource, outcome) in repository.ApplyAllAsync(resources, cancellationToken).ConfigureAwait(false))
            {
                await context.Out.WriteLineAsync($"{Describe(resource)} {outcome.ToString().ToLowerInvariant()}").ConfigureAwait(false);
            }
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Reads and validates every document of every path; any error → all are printed and nothing is returned.</summary>
    public static async Task<IReadOnlyList<Resource>> LoadValidAsync(CliContext context, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var sources = await ManifestFiles.ReadAsync(paths, context.In, cancellationToken).ConfigureAwait(false);
        var resources = new List<Resource>();
        var errors = new List<ManifestError>();
        foreach (var source in sources)
        {
            var result = ManifestLoader.Parse(source.Text, source.Name);
            resources.AddRange(result.Resources);
            errors.AddRange(result.Errors);
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await context.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            }

            var documents = errors.Select(e => (e.File, e.Document)).Distinct().Count();
            throw CliException.BadInput($"{errors.Count} error{(errors.Count == 1 ? "" : "s")} in {documents} document{(documents == 1 ? "" : "s")}; nothing was applied");
        }

        if (resources.Count == 0)
        {
            throw CliException.BadInput($"{string.Join(", ", paths)}: no resources found");
        }

        return resources;
    }

    /// <summary>kubectl's way of naming an object: <c>ciliumnetworkpolicy.cilium.io/name</c>, with the namespace.</summary>
    public static string Describe(Resource resource)
    {
        var kind = resource.ResourceKind;
        var group = kind.Group.Length > 0 ? "." + kind.Group : "";
        var ns = resource.Metadata.Namespace is { } n ? $" -n {n}" : "";
        return $"{kind.Singular}{group}/{resource.Metadata.Name}{ns}";
    }
}
