using Plexus.Store;

namespace Plexus.Cli.Infrastructure;

/// <summary>What every command gets: its streams, the global flags and a clock. Lets the demo and tests run commands in-process.</summary>
public sealed class CliContext
{
    /// <summary>Standard output.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input (for <c>-f -</c>).</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Value of the global <c>--store</c> flag.</summary>
    public string? StoreFlag { get; set; }

    /// <summary>Value of the global <c>--config</c> flag.</summary>
    public string? ConfigFlag { get; set; }

    /// <summary>Value of the global <c>--lab</c> flag: the lab whose store and namespaces commands use.</summary>
    public string? LabFlag { get; set; }

    /// <summary>The clock (ages in tables).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>An already open store to use instead of resolving one (the demo, tests).</summary>
    public IStore? Store { get; init; }

    /// <summary>Opens the store named by the flags, environment or config file. The caller disposes it unless it is <see cref="Store"/>.</summary>
    public IStore OpenStore() => Store ?? StoreFactory.Create(StoreLocator.Resolve(StoreFlag, ConfigFlag, LabFlag));

    /// <summary>Disposes a store returned by <see cref="OpenStore"/> unless it is the shared one.</summary>
    public async ValueTask ReleaseAsync(IStore store)
    {
        if (!ReferenceEquals(store, Store))
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
