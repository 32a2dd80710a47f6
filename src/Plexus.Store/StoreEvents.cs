namespace Plexus.Store;

/// <summary>Builds the watch events whose shape both backends share.</summary>
internal static class StoreEvents
{
    /// <summary>A delete event: etcd reports only the key and the revision of the delete.</summary>
    public static WatchEvent Deleted(string key, long revision) =>
        new(WatchEventType.Delete, new KeyValue(key, string.Empty, 0, revision, 0, 0), revision);

    /// <summary>The event that ends a watch whose history was compacted up to <paramref name="compactRevision"/>.</summary>
    public static WatchEvent ResyncRequired(string prefix, long compactRevision) =>
        new(WatchEventType.ResyncRequired, new KeyValue(prefix, string.Empty, 0, compactRevision, 0, 0), compactRevision);
}
