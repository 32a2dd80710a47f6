using Microsoft.Extensions.Logging;

namespace Plexus.Store;

/// <summary>Log messages of the etcd backend.</summary>
internal static partial class EtcdLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd endpoint {Endpoint} failed {Path}: {Reason}")]
    public static partial void EndpointFailed(ILogger logger, string endpoint, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch on '{Prefix}' lost its stream ({Reason}); reconnecting in {Delay} to resume at revision {Revision}")]
    public static partial void WatchReconnecting(ILogger logger, string prefix, string reason, TimeSpan delay, long revision);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch on '{Prefix}' streaming from {Endpoint} at revision {Revision}")]
    public static partial void WatchConnected(ILogger logger, string prefix, string endpoint, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch on '{Prefix}' must resync: etcd compacted its history up to revision {CompactRevision}")]
    public static partial void WatchCompacted(ILogger logger, string prefix, long compactRevision);
}
