using System.CommandLine;
using Plexus.Cli.Commands;
using Plexus.Cli.Infrastructure;

namespace Plexus.Cli;

/// <summary>The <c>plexus</c> command tree. Parse errors exit with 2 (bad input), like every other input error.</summary>
public static class CliApp
{
    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="context"/>.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var storeOption = new Option<string?>("--store") { Description = "Store URL, e.g. etcd://127.0.0.1:2379 (else $PLEXUS_STORE or the config file)", Recursive = true };
        var configOption = new Option<string?>("--config") { Description = $"CLI config file (default {StoreLocator.DefaultConfigPath})", Recursive = true };
        var labOption = new Option<string?>("--lab") { Description = "Lab whose store and namespaces to use (else $PLEXUS_LAB, else the only running lab)", Recursive = true };
        CliContext Context(ParseResult parse)
        {
            context.StoreFlag = parse.GetValue(storeOption);
            context.ConfigFlag = parse.GetValue(configOption);
            context.LabFlag = parse.GetValue(labOption);
            return context;
        }

        ParseResult? parsed = null;
        CliContext Current() => Context(parsed!);
        var root = new RootCommand("plexus: one networking layer for pods, VMs and servers (eBPF datapath, identity-based policy)")
        {
            storeOption,
            configOption,
            labOption,
            ApplyCommand.Create(Current),
            GetCommand.Create(Current),
            DeleteCommand.Create(Current),
            LabelCommand.Create(Current),
            VersionCommand.Create(Current),
            StatusCommand.Create(Current),
            EndpointsCommand.Create(Current),
            IdentitiesCommand.Create(Current),
            ServicesCommand.Create(Current),
            ObserveCommand.Create(Current),
            PolicyCommand.Create(Current),
            DemoCommand.Create(Current),
            LabCommand.Create(Current),
            BenchCommand.Create(Current),
        };

        parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await context.Error.WriteLineAsync($"Error: {error.Message}").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"Run '{string.Join(' ', CommandPath(parsed.CommandResult.Command))} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        var config = new InvocationConfiguration { Output = context.Out, Error = context.Error };
        if (parsed.CommandResult.Command.Name == LabSuperviseCommand.Name)
        {
            // A lab's supervisor stops its services on SIGTERM; give it the time that takes.
            config.ProcessTerminationTimeout = LabSuperviseCommand.ShutdownTimeout;
        }
        else if (parsed.CommandResult.Command.Name == "bench")
        {
            // A benchmark tears its lab and baseline down on Ctrl-C or SIGTERM; give it the time that takes.
            config.ProcessTerminationTimeout = BenchCommand.ShutdownTimeout;
        }

        return await parsed.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new Stack<string>();
        for (var c = command; c is not null && c is not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Push(c.Name);
        }

        return names.Prepend("plexus");
    }
}
