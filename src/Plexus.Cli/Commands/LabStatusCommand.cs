using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus lab status [NAME] [-o table|json|yaml]</c>: nodes (agent pid, ready), pods (IP, identity) and external hosts.</summary>
public static class LabStatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var name = new Argument<string?>("name") { Description = "Lab (default: --lab, $PLEXUS_LAB, or the only running lab)", Arity = ArgumentArity.ZeroOrOne };
        var output = Options.Output();
        var command = new Command("status", "Show a lab's nodes, pods and external hosts") { name, output };
        command.SetAction((parse, ct) => LabCommand.RunAsync(context(), async c =>
        {
            var status = await LabStatus.CollectAsync(LabCommand.Select(c, parse.GetValue(name)), ct).ConfigureAwait(false);
            await LabStatusTables.WriteAsync(c.Out, status, parse.GetValue(output)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
