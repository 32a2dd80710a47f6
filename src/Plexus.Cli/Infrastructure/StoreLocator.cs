using Plexus.Lab.Runtime;
using Plexus.Store;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Plexus.Cli.Infrastructure;

/// <summary>
/// Finds the store the CLI talks to, first match wins: <c>--store</c>, <c>$PLEXUS_STORE</c>, the lab named by
/// <c>--lab</c> or <c>$PLEXUS_LAB</c>, the config file (<c>--config</c>, <c>$PLEXUS_CONFIG</c>, or
/// <c>~/.config/plexus/config.yaml</c> when it exists), and last the only running lab. A lab's store is its first
/// cluster's etcd, reached through the lab's fabric namespace.
/// </summary>
public static class StoreLocator
{
    /// <summary>The config file's shape.</summary>
    internal sealed class ConfigFile
    {
        public StoreSettings? Store { get; set; }
    }

    /// <summary>The default config file path.</summary>
    public static string DefaultConfigPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "plexus", "config.yaml");

    /// <summary>Resolves store options, or throws a bad-input <see cref="CliException"/> saying how to configure one.</summary>
    public static StoreOptions Resolve(string? storeFlag, string? configFlag, string? labFlag = null)
    {
        var url = storeFlag ?? Environment.GetEnvironmentVariable("PLEXUS_STORE");
        if (!string.IsNullOrEmpty(url))
        {
            return Validate(new StoreOptions { Url = url }, storeFlag is null ? "$PLEXUS_STORE" : "--store");
        }

        var lab = labFlag ?? Environment.GetEnvironmentVariable("PLEXUS_LAB");
        if (!string.IsNullOrEmpty(lab))
        {
            return LabStore(lab, labFlag is null ? "$PLEXUS_LAB" : "--lab");
        }

        var configPath = configFlag ?? Environment.GetEnvironmentVariable("PLEXUS_CONFIG");
        var explicitConfig = configPath is not null;
        configPath ??= DefaultConfigPath;
        if (!File.Exists(configPath))
        {
            if (explicitConfig)
            {
                throw CliException.BadInput($"{configPath}: config file not found");
            }

            var running = LabRegistry.Running();
            return running.Count switch
            {
                1 => LabStore(running[0], "the running lab"),
                0 => throw CliException.BadInput(
                    "no store configured: pass --store etcd://HOST:PORT, set $PLEXUS_STORE, write store.url in " + DefaultConfigPath + ", or start a lab (plexus lab up)"),
                _ => throw CliException.BadInput($"no store configured and {running.Count} labs are running ({string.Join(", ", running)}): pick one with --lab NAME"),
            };
        }

        ConfigFile config;
        try
        {
            config = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<ConfigFile?>(File.ReadAllText(configPath)) ?? new ConfigFile();
        }
        catch (YamlException e)
        {
            throw CliException.BadInput($"{configPath}:{e.Start.Line}:{e.Start.Column}: {(e.InnerException ?? e).Message.Split('\n')[0]}");
        }

        if (string.IsNullOrEmpty(config.Store?.Url))
        {
            throw CliException.BadInput($"{configPath}: store.url: required (e.g. etcd://127.0.0.1:2379)");
        }

        return Validate(config.Store.ToOptions(config.Store.Url), $"{configPath}: store.url");
    }

    /// <summary>The store of lab <paramref name="lab"/>: its first cluster's etcd, connected to from inside the lab's fabric namespace.</summary>
    public static StoreOptions LabStore(string lab, string source)
    {
        var state = LabState.Read(new LabPaths(lab).StateFile);
        if (state is not { Etcd: [var etcd, ..] } || !LabRegistry.Running().Contains(lab))
        {
            throw CliException.BadInput($"{source}: lab \"{lab}\" is not running{RunningHint()}");
        }

        return new StoreOptions { Url = etcd.Url, ConnectCallback = NetnsSockets.ConnectCallback(etcd.Netns) };
    }

    /// <summary>"; running: a, b" or "; no lab is running", for messages.</summary>
    internal static string RunningHint() => LabRegistry.Running() is { Count: > 0 } running
        ? $" (running: {string.Join(", ", running)})"
        : " (no lab is running; start one with plexus lab up)";

    private static StoreOptions Validate(StoreOptions options, string source)
    {
        var url = options.Url;
        if (url == "memory://")
        {
            throw CliException.BadInput($"{source}: memory:// holds nothing between commands; use etcd://HOST:PORT");
        }

        if (!url.StartsWith("etcd://", StringComparison.Ordinal) && !url.StartsWith("etcds://", StringComparison.Ordinal))
        {
            throw CliException.BadInput($"{source}: \"{url}\" is not a store URL (etcd://HOST:PORT[,HOST:PORT] or etcds://…)");
        }

        return options;
    }
}
