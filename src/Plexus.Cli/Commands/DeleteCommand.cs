using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Resources;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus delete -f FILE</c> or <c>plexus delete KIND NAME [-n NS]</c>.</summary>
public static class DeleteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var kind = new Argument<string?>("kind") { Description = "Resource kind (with NAME)", Arity = ArgumentArity.ZeroOrOne };
        var name = new Argument<string?>("name") { Description = "Object name", Arity = ArgumentArity.ZeroOrOne };
        var files = new Option<string[]>("--filename", "-f") { Description = "Delete what these manifests describe" };
        var ns = Options.Namespace();
        var ignoreNotFound = new Option<bool>("--ignore-not-found") { Description = "Succeed when an object does not exist" };
        var command = new Command("delete", "Delete resources by manifest or by kind and name") { kind, name, files, ns, ignoreNotFound };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(
            c, parse.GetValue(files) ?? [], parse.GetValue(kind), parse.GetValue(name), parse.GetValue(ns), parse.GetValue(ignoreNotFound), ct)));
        return command;
    }

    /// <summary>Runs a delete.</summary>
    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> files, string? kindWord, string? name, string? ns, bool ignoreNotFound, CancellationToken cancellationToken)
    {
        var targets = new List<(Model.ResourceKind Kind, string? Namespace, string Name)>();
        if (files.Count > 0)
        {
            if (kindWord is not null)
            {
                throw CliException.BadInput("give either -f FILE or KIND NAME, not both");
            }

            foreach (var resource in await ApplyCommand.LoadValidAsync(context, files, cancellationToken).ConfigureAwait(false))
            {
                targets.Add((resource.ResourceKind, resource.Metadata.Namespace, resource.Metadata.Name));
            }
        }
        else
        {
            if (kindWord is null || name is null)
            {
                throw CliException.BadInput("delete needs -f FILE, or KIND and NAME (e.g. plexus delete cnp allow-web -n x)");
            }

            var kind = GetCommand.ResolveKind(kindWord);
            targets.Add((kind, kind.Namespaced ? ns ?? "default" : null, name));
        }

        var store = context.OpenStore();
        var missing = 0;
        try
        {
            var repository = new ResourceRepository(store, context.Time);
            foreach (var (kind, targetNs, targetName) in targets)
            {
                var where = targetNs is null ? "" : $" -n {targetNs}";
                if (await repository.DeleteAsync(kind, targetNs, targetName, cancellationToken).ConfigureAwait(false))
                {
                    await context.Out.WriteLineAsync($"{kind.Singular}/{targetName}{where} deleted").ConfigureAwait(false);
                }
                else if (!ignoreNotFound)
                {
                    missing++;
                    await context.Error.WriteLineAsync($"Error: {kind.Plural} \"{targetName}\" not found{(targetNs is null ? "" : $" in namespace \"{targetNs}\"")}").ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }

        return missing == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
