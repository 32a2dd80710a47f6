using Microsoft.Extensions.Logging;

namespace Plexus.Agent.ControlPlane.Mirroring;

/// <summary>Log messages of <see cref="PrefixMirror{T}"/>.</summary>
internal static partial class MirrorLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "Mirror of '{Prefix}' listed {Count} entries at revision {Revision}")]
    public static partial void Listed(ILogger logger, string prefix, int count, long revision);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Mirror of '{Prefix}' must resync: the store compacted past revision {Revision}")]
    public static partial void Resync(ILogger logger, string prefix, long revision);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Mirror of '{Prefix}': store unavailable ({Reason}); retrying")]
    public static partial void StoreUnavailable(ILogger logger, string prefix, string reason);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Mirror of '{Prefix}': ignoring undecodable value of {Key}")]
    public static partial void Undecodable(ILogger logger, string prefix, string key);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Error, Message = "Mirror of '{Prefix}': the subscriber failed on a delta at revision {Revision}")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, string prefix, long revision);
}
