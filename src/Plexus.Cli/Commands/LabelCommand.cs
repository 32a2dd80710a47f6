using System.CommandLine;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Resources;
using Plexus.Lab.Agents;
using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus label pod NS/NAME key=value [key-]… [--overwrite]</c> and <c>plexus label namespace NAME key=value
/// [key-]… [--overwrite]</c>, like <c>kubectl label</c>: <c>key-</c> removes a label; changing a label's value needs
/// <c>--overwrite</c>. A pod is relabelled by the agent of its node (its identity, datapath entry, ipcache and
/// endpoint records follow); a namespace by updating its stored <c>Namespace</c> resource (policies re-select its pods
/// without new identities).
/// </summary>
public static class LabelCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var kind = new Argument<string>("kind") { Description = "pod or namespace (also po, pods, ns, namespaces)" };
        var name = new Argument<string>("name") { Description = "NAMESPACE/POD for a pod, NAME for a namespace" };
        var changes = new Argument<string[]>("labels") { Description = "key=value to set, key- to remove", Arity = ArgumentArity.OneOrMore };
        var overwrite = new Option<bool>("--overwrite") { Description = "Allow changing the value of a label that exists" };
        var command = new Command("label", "Set or remove labels of a pod or a namespace (identity and policy follow)") { kind, name, changes, overwrite };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(
            c, parse.GetValue(kind)!, parse.GetValue(name)!, parse.GetValue(changes) ?? [], parse.GetValue(overwrite), ct)));
        return command;
    }

    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CliContext context, string kind, string name, IReadOnlyList<string> changeTexts, bool overwrite, CancellationToken cancellationToken)
    {
        var changes = LabelChanges.Parse(changeTexts);
        if (changes.Error is { } error)
        {
            throw CliException.BadInput(error);
        }

        switch (kind.ToLowerInvariant())
        {
            case "pod" or "pods" or "po":
                var slash = name.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == name.Length - 1 || name.IndexOf('/', slash + 1) >= 0)
                {
                    throw CliException.BadInput($"pod \"{name}\" is not NAMESPACE/POD (e.g. x/b)");
                }

                return await LabelPodAsync(context, name[..slash], name[(slash + 1)..], changes, overwrite, cancellationToken).ConfigureAwait(false);
            case "namespace" or "namespaces" or "ns":
                if (NameSyntax.Dns1123Label(name) is { } problem)
                {
                    throw CliException.BadInput($"namespace \"{name}\": {problem}");
                }

                if (changes.Touches(NamespaceResource.NameLabel))
                {
                    throw CliException.BadInput($"{NamespaceResource.NameLabel}: set by the system to the namespace's name; it cannot be changed");
                }

                return await LabelNamespaceAsync(context, name, changes, overwrite, cancellationToken).ConfigureAwait(false);
            default:
                throw CliException.BadInput($"kind \"{kind}\": only pod and namespace can be labelled");
        }
    }

    private static async Task<int> LabelPodAsync(CliContext context, string ns, string pod, LabelChanges changes, bool overwrite, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        EndpointRecord record;
        NodeRecord node;
        try
        {
            var records = (await store.ListAsync(StoreKeys.EndpointsPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => EndpointRecord.FromJson(kv.Value)).OfType<EndpointRecord>()
                .Where(e => e.Namespace == ns && e.Pod == pod).ToList();
            record = records switch
            {
                [var one] => one,
                [] => throw CliException.Failed($"pod \"{pod}\" not found in namespace \"{ns}\" (no endpoint in the store)"),
                _ => throw CliException.Failed($"pod {ns}/{pod} has endpoints on {string.Join(", ", records.Select(r => $"{r.Cluster}/{r.Node}"))}: label one cluster at a time with --store"),
            };
            var nodeKv = await store.GetAsync(StoreKeys.Node(record.Cluster, record.Node), cancellationToken).ConfigureAwait(false);
            node = (nodeKv is null ? null : NodeRecord.FromJson(nodeKv.Value))
                ?? throw CliException.Failed($"pod {ns}/{pod} lives on node {record.Cluster}/{record.Node}, which is not registered (its agent is down?)");
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }

        using var agent = new AgentClient(node.ApiSocket, TimeSpan.FromSeconds(10));
        try
        {
            var endpoint = (await agent.EndpointsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Namespace == ns && e.Pod == pod)
                ?? throw CliException.Failed($"pod \"{pod}\" not found in namespace \"{ns}\" on node {node.Cluster}/{node.Name}");
            var current = endpoint.Labels ?? new Dictionary<string, string>();
            var labels = Apply(changes, current, overwrite, $"pod/{pod}");
            if (labels is null)
            {
                await context.Out.WriteLineAsync($"pod/{pod} -n {ns} not labeled").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var result = await agent.SetEndpointLabelsAsync(ns, pod, labels, cancellationToken).ConfigureAwait(false);
            if (result.Endpoint is null)
            {
                throw result.Code == 400 ? CliException.BadInput(result.Error ?? "refused") : CliException.Failed($"agent {node.Cluster}/{node.Name}: {result.Code} {result.Error}");
            }

            await context.Out.WriteLineAsync($"pod/{pod} -n {ns} labeled (identity {result.Endpoint.Identity})").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            throw CliException.Failed($"agent {node.Cluster}/{node.Name} does not answer on {node.ApiSocket}: {e.Message}");
        }
    }

    private static async Task<int> LabelNamespaceAsync(CliContext context, string name, LabelChanges changes, bool overwrite, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        try
        {
            var repository = new ResourceRepository(store, context.Time);
            var stored = await repository.GetAsync(ResourceKind.Namespace, null, name, cancellationToken).ConfigureAwait(false);
            JsonObject document;
            Dictionary<string, string> current;
            if (stored is not null)
            {
                document = stored;
                current = (document["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => (string?)p.Value ?? "", StringComparer.Ordinal)
                    ?? new Dictionary<string, string>(StringComparer.Ordinal);
            }
            else
            {
                // Not applied yet: start from the labels the cluster's pods were created with (a lab's namespaces).
                current = await NamespaceLabelsOfEndpointsAsync(store, name, cancellationToken).ConfigureAwait(false);
                document = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
            }

            current[NamespaceResource.NameLabel] = name;
            var labels = Apply(changes, current, overwrite, $"namespace/{name}");
            if (labels is null && stored is not null)
            {
                await context.Out.WriteLineAsync($"namespace/{name} not labeled").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            document["metadata"]!["labels"] = new JsonObject((labels ?? current).OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value))));
            var parsed = ManifestLoader.Parse(document.ToJsonString(), $"namespace/{name}");
            if (parsed.Errors.Count > 0 || parsed.Resources is not [var resource])
            {
                throw CliException.BadInput(string.Join("\n", parsed.Errors));
            }

            await repository.ApplyAsync(resource, cancellationToken).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"namespace/{name} labeled").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }
    }

    private static async Task<Dictionary<string, string>> NamespaceLabelsOfEndpointsAsync(Store.IStore store, string name, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var record = (await store.ListAsync(StoreKeys.EndpointsPrefix(), cancellationToken).ConfigureAwait(false)).Items
            .Select(kv => EndpointRecord.FromJson(kv.Value)).OfType<EndpointRecord>()
            .FirstOrDefault(e => e.Namespace == name);
        foreach (var text in record?.Labels ?? [])
        {
            if (IdentityLabel.TryParse(text, out var label) && label.Source == IdentityLabels.KubernetesSource
                && label.Key.StartsWith(IdentityLabels.NamespaceLabelPrefix, StringComparison.Ordinal))
            {
                labels[label.Key[IdentityLabels.NamespaceLabelPrefix.Length..]] = label.Value;
            }
        }

        return labels;
    }

    /// <summary>The labels after <paramref name="changes"/>, or null when nothing changes; a changed value without <paramref name="overwrite"/> is bad input.</summary>
    internal static Dictionary<string, string>? Apply(LabelChanges changes, IReadOnlyDictionary<string, string> current, bool overwrite, string what)
    {
        var result = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (key, value) in changes.Set)
        {
            if (!overwrite && current.TryGetValue(key, out var old) && old != value)
            {
                throw CliException.BadInput($"'{key}' already has a value ({old}) on {what}, and --overwrite is false");
            }

            result[key] = value;
        }

        foreach (var key in changes.Remove)
        {
            result.Remove(key);
        }

        return result.Count == current.Count && result.All(l => current.TryGetValue(l.Key, out var v) && v == l.Value) ? null : result;
    }
}
