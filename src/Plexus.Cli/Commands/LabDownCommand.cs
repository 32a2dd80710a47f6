using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus lab down [NAME | --all]</c>: remove a lab completely, from any state (also after a crash, without a state directory).</summary>
public static class LabDownCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var name = new Argument<string?>("name") { Description = "Lab to remove (default: --lab, $PLEXUS_LAB, or the only lab there is)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Remove every lab" };
        var command = new Command("down", "Stop a lab's processes and remove its namespaces, pins and state") { name, all };
        command.SetAction((parse, ct) => LabCommand.RunAsync(context(), c => RunAsync(c, parse.GetValue(name), parse.GetValue(all))));
        return command;
    }

    /// <summary>Runs <c>lab down</c>.</summary>
    public static async Task<int> RunAsync(CliContext context, string? name, bool all)
    {
        if (all && name is not null)
        {
            throw CliException.BadInput("give either a lab NAME or --all, not both");
        }

        name ??= context.LabFlag ?? (Environment.GetEnvironmentVariable("PLEXUS_LAB") is { Length: > 0 } env ? env : null);
        var known = LabRegistry.Known();
        IReadOnlyList<string> labs = all || name is not null ? (name is null ? known : [name]) : known.Count switch
        {
            0 or 1 => known,
            _ => throw CliException.BadInput($"{known.Count} labs exist ({string.Join(", ", known)}): name one, or use --all"),
        };
        if (labs.Count == 0)
        {
            await context.Out.WriteLineAsync("no lab to remove").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        foreach (var lab in labs)
        {
            LabTeardown.Report report;
            var paths = new LabPaths(lab);
            using (await LabLock.TakeAsync(paths).ConfigureAwait(false))
            {
                report = await LabTeardown.DownAsync(lab).ConfigureAwait(false);
            }

            File.Delete(paths.LockFile);

            await context.Out.WriteLineAsync(Describe(report)).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static string Describe(LabTeardown.Report report)
    {
        if (!report.RemovedAnything)
        {
            return $"lab {report.Lab}: nothing to remove";
        }

        var parts = new List<string>();
        if (report.Supervisors.Count > 0)
        {
            parts.Add($"stopped the supervisor (pid {string.Join(", ", report.Supervisors)})");
        }

        parts.Add($"removed {report.Namespaces.Count} namespace{(report.Namespaces.Count == 1 ? "" : "s")}");
        if (report.PinDirectories.Count > 0)
        {
            parts.Add($"{report.PinDirectories.Count} pin director{(report.PinDirectories.Count == 1 ? "y" : "ies")}");
        }

        if (report.StateDirectory)
        {
            parts.Add("its state directory");
        }

        return $"lab {report.Lab}: {string.Join(", ", parts)}";
    }
}
