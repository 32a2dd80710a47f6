using System.CommandLine;
using System.Diagnostics;
using Plexus.Cli.Infrastructure;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus lab exec &lt;namespace&gt;/&lt;pod&gt; -- CMD…</c> (also <c>node/&lt;cluster&gt;/&lt;node&gt;</c>,
/// <c>ext/&lt;name&gt;</c>): run a command inside that network namespace with <c>bin/</c> on its PATH, standard streams
/// inherited; the command's exit code is the exit code.
/// </summary>
public static class LabExecCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var target = new Argument<string>("target") { Description = "NAMESPACE/POD, node/CLUSTER/NODE or ext/NAME" };
        var argv = new Argument<string[]>("command") { Description = "The command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("exec", "Run a command inside a pod's, node's or external host's network namespace") { target, argv };
        command.SetAction((parse, _) => LabCommand.RunAsync(context(), c => RunAsync(c, parse.GetValue(target)!, parse.GetValue(argv)!)));
        return command;
    }

    /// <summary>Runs <c>lab exec</c>.</summary>
    public static async Task<int> RunAsync(CliContext context, string targetText, IReadOnlyList<string> argv)
    {
        var lab = LabCommand.Select(context, null);
        var target = LabCommand.Target(lab, targetText);
        var info = NetnsCommand.StartInfo(target.Netns, argv);
        info.Environment["PLEXUS_LAB"] = lab.Name;
        if (target.Pod is { } pod)
        {
            info.Environment["PLEXUS_POD"] = pod.FullName;
        }

        using var process = Process.Start(info) ?? throw CliException.Failed($"could not run {argv[0]}");
        // Ctrl-C reaches the command too (same process group): wait for it rather than leave it behind.
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }
}
