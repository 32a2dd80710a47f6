using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus lab supervise NAME</c> (hidden): the lab's supervisor, started detached by <c>lab up</c>. Runs until
/// SIGTERM (then stops every service it supervises) or until the lab's namespaces are gone.
/// </summary>
public static class LabSuperviseCommand
{
    /// <summary>How long the supervisor may take to stop its services after SIGTERM before the process is ended anyway.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The command's name.</summary>
    public const string Name = "supervise";

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var name = new Argument<string>("name") { Description = "The lab" };
        var command = new Command(Name, "Supervise a lab's processes (started by lab up)") { name };
        command.Hidden = true;
        command.SetAction((parse, ct) => LabCommand.RunAsync(context(), async c =>
        {
            var lab = LabInstance.Load(parse.GetValue(name)!);
            await new LabSupervisor(lab, c.Out).RunAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
