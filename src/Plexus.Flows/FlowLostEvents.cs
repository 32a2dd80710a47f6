using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's <c>LostEvent</c>: events lost at <see cref="Source"/> since the previous report.</summary>
/// <param name="Source">PERF_EVENT_RING_BUFFER (kernel ring full), OBSERVER_EVENTS_QUEUE (decoder queue full) or HUBBLE_RING_BUFFER (a follower did not keep up).</param>
/// <param name="NumEventsLost">How many.</param>
public sealed record FlowLostEvents(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("num_events_lost")] long NumEventsLost)
{
    /// <summary>The kernel's ring buffer was full.</summary>
    public const string KernelRing = "PERF_EVENT_RING_BUFFER";

    /// <summary>The agent's decode queue was full.</summary>
    public const string DecodeQueue = "OBSERVER_EVENTS_QUEUE";

    /// <summary>A follower did not keep up with the flow ring.</summary>
    public const string FollowerQueue = "HUBBLE_RING_BUFFER";
}
