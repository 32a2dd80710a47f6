using System.CommandLine;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Cli.Resources;
using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus get KIND [NAME] [-n NS | -A] [-o table|json|yaml]</c>, for resources and for nodes.</summary>
public static class GetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var kind = new Argument<string>("kind") { Description = "nodes, namespaces (ns), services (svc), networkpolicies (netpol), ciliumnetworkpolicies (cnp), ciliumclusterwidenetworkpolicies (ccnp)" };
        var name = new Argument<string?>("name") { Description = "Object name (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var ns = Options.Namespace();
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "List across all namespaces" };
        var output = Options.Output();
        var command = new Command("get", "Show resources or nodes") { kind, name, ns, all, output };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c =>
            RunAsync(c, parse.GetValue(kind)!, parse.GetValue(name), parse.GetValue(ns), parse.GetValue(all), parse.GetValue(output), ct)));
        return command;
    }

    /// <summary>Runs a get.</summary>
    public static async Task<int> RunAsync(CliContext context, string kindWord, string? name, string? ns, bool allNamespaces, OutputFormat output, CancellationToken cancellationToken)
    {
        if (kindWord.ToLowerInvariant() is "node" or "nodes" or "no")
        {
            return await GetNodesAsync(context, name, output, cancellationToken).ConfigureAwait(false);
        }

        var kind = ResolveKind(kindWord);
        var store = context.OpenStore();
        try
        {
            var repository = new ResourceRepository(store, context.Time);
            var scope = kind.Namespaced ? (allNamespaces && name is null ? null : ns ?? "default") : null;
            List<JsonObject> items;
            if (name is not null)
            {
                var item = await repository.GetAsync(kind, scope, name, cancellationToken).ConfigureAwait(false)
                    ?? throw CliException.Failed($"{kind.Plural} \"{name}\" not found{(kind.Namespaced ? $" in namespace \"{scope}\"" : "")}");
                items = [item];
            }
            else
            {
                items = [.. await repository.ListAsync(kind, scope, cancellationToken).ConfigureAwait(false)];
            }

            if (kind == ResourceKind.Service && items.Count > 0)
            {
                var statuses = await ServiceDocuments.ReadStatusesAsync(store, cancellationToken).ConfigureAwait(false);
                items = [.. items.Select(i => ServiceDocuments.WithStatus(
                    i, statuses.GetValueOrDefault($"{i["metadata"]?["namespace"]}/{i["metadata"]?["name"]}")))];
            }

            if (output == OutputFormat.Table)
            {
                if (items.Count == 0)
                {
                    await context.Error.WriteLineAsync(kind.Namespaced && scope is not null
                        ? $"No {kind.Plural} found in namespace \"{scope}\"."
                        : $"No {kind.Plural} found.").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                await context.Out.WriteAsync(ResourceTables.Render(kind, items, showNamespace: kind.Namespaced && scope is null, context.Time.GetUtcNow())).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await WriteDocumentsAsync(context, items.Cast<JsonNode>().ToList(), single: name is not null, output).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }
    }

    /// <summary>Resolves a user's kind word or fails with the list of kinds.</summary>
    public static ResourceKind ResolveKind(string word) =>
        ResourceKind.Resolve(word) ?? throw CliException.BadInput(
            $"unknown resource kind \"{word}\"; known: nodes, {string.Join(", ", ResourceKind.All.Select(k => k.Plural))}");

    private static async Task<int> GetNodesAsync(CliContext context, string? name, OutputFormat output, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        try
        {
            var list = await store.ListAsync(StoreKeys.NodesPrefix(), cancellationToken).ConfigureAwait(false);
            var nodes = list.Items
                .Select(kv => NodeRecord.FromJson(kv.Value))
                .OfType<NodeRecord>()
                .Where(n => name is null || n.Name == name)
                .OrderBy(n => n.Cluster, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)
                .ToList();
            if (name is not null && nodes.Count == 0)
            {
                throw CliException.Failed($"node \"{name}\" not found");
            }

            if (output == OutputFormat.Table)
            {
                if (nodes.Count == 0)
                {
                    await context.Error.WriteLineAsync("No nodes found.").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                var table = new Table("CLUSTER", "NAME", "STATUS", "ADDRESSES", "VERSION", "AGE");
                var now = context.Time.GetUtcNow();
                foreach (var node in nodes)
                {
                    // A node record exists only while its agent's lease is alive: present means Ready.
                    table.Add(node.Cluster, node.Name, "Ready", string.Join(",", node.Addresses), node.AgentVersion, Ages.Format(node.StartedAt, now));
                }

                await context.Out.WriteAsync(table.ToString()).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var docs = nodes.Select(n => JsonNode.Parse(n.ToJson())).ToList();
            await WriteDocumentsAsync(context, docs, single: name is not null, output).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }
    }

    private static async Task WriteDocumentsAsync(CliContext context, IReadOnlyList<JsonNode?> items, bool single, OutputFormat output)
    {
        JsonNode? doc = single
            ? items[0]
            : new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. items.Select(i => i?.DeepClone())]) };
        await Documents.WriteAsync(context.Out, doc, output).ConfigureAwait(false);
    }
}
