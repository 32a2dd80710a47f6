using Microsoft.Extensions.Logging;

namespace Plexus.Store;

/// <summary>Creates the <see cref="IStore"/> named by <see cref="StoreOptions.Url"/>.</summary>
public static class StoreFactory
{
    /// <summary>
    /// Returns an <see cref="InMemoryStore"/> for <c>memory://</c> and an <see cref="EtcdStore"/> for
    /// <c>etcd://</c> or <c>etcds://</c>; throws <see cref="ArgumentException"/> for any other scheme.
    /// </summary>
    public static IStore Create(StoreOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var separator = options.Url.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator < 0 ? string.Empty : options.Url[..separator].Trim().ToLowerInvariant();
        return scheme switch
        {
            "memory" => new InMemoryStore(),
            "etcd" or "etcds" => new EtcdStore(options, loggerFactory?.CreateLogger<EtcdStore>()),
            _ => throw new ArgumentException(
                $"Unknown store URL '{options.Url}': expected memory://, etcd://host:port[,host:port] or etcds://host:port.", nameof(options)),
        };
    }
}
