namespace Plexus.Agent.Metrics;

/// <summary>Prometheus metric types the agent exports (text format 0.0.4 <c># TYPE</c> values).</summary>
public enum MetricType
{
    /// <summary>Only goes up (resets when the agent restarts).</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Cumulative buckets plus sum and count.</summary>
    Histogram,
}
