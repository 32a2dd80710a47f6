using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Runtime;
using Plexus.Model.Text;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus lab up|down|status|exec|probe</c>: labs of namespaces-as-hosts on this machine (DESIGN §5).</summary>
public static class LabCommand
{
    /// <summary>Builds the command and its subcommands.</summary>
    public static Command Create(Func<CliContext> context) =>
        new("lab", "Build and use labs: clusters of nodes, pods and external hosts as network namespaces on this machine")
        {
            LabUpCommand.Create(context),
            LabDownCommand.Create(context),
            LabStatusCommand.Create(context),
            LabExecCommand.Create(context),
            LabProbeCommand.Create(context),
            LabSuperviseCommand.Create(context),
        };

    /// <summary>Runs a lab command body: lab and namespace failures become "Error: …" with exit 1, like other failures.</summary>
    internal static Task<int> RunAsync(CliContext context, Func<CliContext, Task<int>> body) =>
        CliRunner.RunAsync(context, async c =>
        {
            try
            {
                return await body(c).ConfigureAwait(false);
            }
            catch (LabException e)
            {
                throw CliException.Failed(e.Message);
            }
            catch (NamespaceException e)
            {
                throw CliException.Failed($"{e.Message}{(Environment.UserName == "root" ? "" : " (labs need root)")}");
            }
        });

    /// <summary>
    /// The lab a command works on: <paramref name="name"/>, else <c>--lab</c>, else <c>$PLEXUS_LAB</c>, else the
    /// only running lab.
    /// </summary>
    internal static LabInstance Select(CliContext context, string? name)
    {
        name ??= context.LabFlag ?? (Environment.GetEnvironmentVariable("PLEXUS_LAB") is { Length: > 0 } env ? env : null);
        if (name is null)
        {
            var running = LabRegistry.Running();
            name = running.Count switch
            {
                1 => running[0],
                0 => throw CliException.Failed("no lab is running; start one with plexus lab up"),
                _ => throw CliException.BadInput($"{running.Count} labs are running ({string.Join(", ", running)}): name one with --lab NAME"),
            };
        }

        return LabInstance.Load(name);
    }

    /// <summary>Resolves a pod, node or external name, or fails as bad input saying what exists.</summary>
    internal static LabTarget Target(LabInstance lab, string text)
    {
        try
        {
            return LabTarget.Resolve(lab, text);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput(e.Message);
        }
    }

    /// <summary>Parses a <c>--timeout</c> value, or fails as bad input.</summary>
    internal static TimeSpan Duration(string option, string text) =>
        Durations.TryParse(text, out var value) ? value : throw CliException.BadInput($"{option}: \"{text}\" is not a duration (e.g. 1s, 500ms, 2m)");
}
