using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus identities [-o json]</c>: allocated identities, their labels and the nodes using them.</summary>
public static class IdentitiesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var output = Options.Output();
        var command = new Command("identities", "List security identities with their labels and the nodes that use them") { output };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(c, parse.GetValue(output), ct)));
        return command;
    }

    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CliContext context, OutputFormat output, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        try
        {
            var ids = (await store.ListAsync(StoreKeys.IdentityIdsPrefix, cancellationToken).ConfigureAwait(false)).Items;
            var refs = (await store.ListAsync(StoreKeys.IdentityRefsPrefix, cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => kv.Key[StoreKeys.IdentityRefsPrefix.Length..].Split('/'))
                .Where(parts => parts.Length == 2)
                .GroupBy(parts => parts[0], parts => parts[1])
                .ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).ToList());
            var rows = ids
                .Select(kv => (Id: kv.Key[StoreKeys.IdentityIdsPrefix.Length..], Labels: IdentityLabels.TryParse(kv.Value, out var l) ? l.ToStrings() : [kv.Value]))
                .OrderBy(r => uint.TryParse(r.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : uint.MaxValue)
                .ToList();
            if (output != OutputFormat.Table)
            {
                var array = new JsonArray([.. rows.Select(r => new JsonObject
                {
                    ["id"] = uint.Parse(r.Id, CultureInfo.InvariantCulture),
                    ["labels"] = new JsonArray([.. r.Labels.Select(l => JsonValue.Create(l))]),
                    ["nodes"] = new JsonArray([.. refs.GetValueOrDefault(r.Id, []).Select(n => JsonValue.Create(n))]),
                })]);
                await Documents.WriteAsync(context.Out, array, output).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (rows.Count == 0)
            {
                await context.Error.WriteLineAsync("No identities allocated.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new Table("ID", "NODES", "LABELS");
            foreach (var r in rows)
            {
                var nodes = refs.GetValueOrDefault(r.Id, []);
                table.Add(r.Id, nodes.Count == 0 ? "<unused>" : string.Join(",", nodes), string.Join(" ", r.Labels));
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
