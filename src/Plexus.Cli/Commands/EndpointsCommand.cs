using System.CommandLine;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus endpoints [-o json]</c>: every endpoint of every node, from the store.</summary>
public static class EndpointsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var output = Options.Output();
        var command = new Command("endpoints", "List endpoints (pods connected to the datapath) on every node") { output };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(c, parse.GetValue(output), ct)));
        return command;
    }

    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CliContext context, OutputFormat output, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        try
        {
            var records = (await store.ListAsync(StoreKeys.EndpointsPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => EndpointRecord.FromJson(kv.Value))
                .OfType<EndpointRecord>()
                .OrderBy(e => e.Cluster, StringComparer.Ordinal).ThenBy(e => e.Namespace, StringComparer.Ordinal).ThenBy(e => e.Pod, StringComparer.Ordinal)
                .ToList();
            if (output != OutputFormat.Table)
            {
                var array = new JsonArray([.. records.Select(r => JsonNode.Parse(r.ToJson()))]);
                await Documents.WriteAsync(context.Out, array, output).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (records.Count == 0)
            {
                await context.Error.WriteLineAsync("No endpoints found.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table("CLUSTER", "NODE", "ID", "NAMESPACE", "POD", "IP", "IDENTITY", "STATE");
            foreach (var r in records)
            {
                table.Add(r.Cluster, r.Node, $"{r.Id}", r.Namespace, r.Pod, r.Ip, $"{r.Identity}", r.State.ToString().ToLowerInvariant());
            }

            await context.Out.WriteAsync(table.ToString()).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }
    }
}
