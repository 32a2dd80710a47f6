using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;
using Plexus.Model;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus lab up [-f lab.yaml] [-o table|json|yaml] [--timeout 120s]</c>: build a lab and wait until every pod is ready; idempotent.</summary>
public static class LabUpCommand
{
    private const int MaxSocketPath = 107;

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var file = new Option<string?>("--filename", "-f") { Description = "Lab topology file (default: labs/demo.yaml of the repository)" };
        var output = Options.Output();
        var timeout = new Option<string>("--timeout") { Description = "How long to wait until the lab is ready", DefaultValueFactory = _ => "120s" };
        var command = new Command("up", "Build the lab's namespaces, start etcd, agents and probe servers, and wait until every pod is ready") { file, output, timeout };
        command.SetAction((parse, ct) => LabCommand.RunAsync(context(), c =>
            RunAsync(c, parse.GetValue(file), parse.GetValue(output), LabCommand.Duration("--timeout", parse.GetValue(timeout)!), ct)));
        return command;
    }

    /// <summary>Runs <c>lab up</c>.</summary>
    public static async Task<int> RunAsync(CliContext context, string? file, OutputFormat output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        file ??= Binaries.RepositoryRoot() is { } root ? Path.Combine(root, "labs", "demo.yaml")
            : throw CliException.BadInput("-f: no lab file given, and there is no repository with labs/demo.yaml");
        if (!File.Exists(file))
        {
            throw CliException.BadInput($"{file}: no such file");
        }

        var parsed = LabLoader.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), file);
        if (!parsed.Ok)
        {
            foreach (var error in parsed.Errors)
            {
                await context.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            }

            throw CliException.BadInput($"{parsed.Errors.Count} error{(parsed.Errors.Count == 1 ? "" : "s")} in {file}; no lab was started");
        }

        var lab = new LabInstance(parsed.Lab!);
        if (lab.Nodes.FirstOrDefault(n => n.Socket.Length > MaxSocketPath) is { } longest)
        {
            throw CliException.BadInput($"{file}: lab, cluster and node names are too long for the agent socket path {longest.Socket} (at most {MaxSocketPath} characters)");
        }

        var progress = output == OutputFormat.Table ? context.Out : context.Error;
        var startup = new LabStartup(line => progress.WriteLine(line));
        await startup.UpAsync(lab.Topology, file, timeout, cancellationToken).ConfigureAwait(false);
        var status = await LabStatus.CollectAsync(lab, cancellationToken).ConfigureAwait(false);
        if (output == OutputFormat.Table)
        {
            await context.Out.WriteLineAsync().ConfigureAwait(false);
        }

        await LabStatusTables.WriteAsync(context.Out, status, output).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
