using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Produces one scrape: asks every collector for its samples and renders the exposition text. A collector that throws
/// is left out of that scrape and counted in <c>plexus_metrics_scrape_errors_total</c>; a scrape itself never fails.
/// </summary>
public sealed partial class MetricsExporter(IEnumerable<IMetricsCollector> collectors, ILogger<MetricsExporter> logger)
{
    private readonly IMetricsCollector[] _collectors = [.. collectors];
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _lastError = new(StringComparer.Ordinal);

    /// <summary>The exposition text of every collector's current samples.</summary>
    public string Scrape()
    {
        var writer = new MetricsWriter();
        foreach (var collector in _collectors)
        {
            var own = new MetricsWriter();
            try
            {
                collector.Collect(own);
                writer.Merge(own);
                _lastError.TryRemove(collector.Name, out _);
            }
            catch (Exception e)
            {
                _errors.AddOrUpdate(collector.Name, 1, (_, n) => n + 1);

                // Log a failure once until it changes or the collector recovers; a broken map must not flood the log every second.
                var message = $"{e.GetType().Name}: {e.Message}";
                if (!_lastError.TryGetValue(collector.Name, out var last) || last != message)
                {
                    _lastError[collector.Name] = message;
                    LogCollectorFailed(logger, collector.Name, message);
                }
            }
        }

        foreach (var (name, count) in _errors)
        {
            writer.Add(MetricCatalogue.ScrapeErrors, count, name);
        }

        return writer.Render();
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "Metrics collector {Collector} failed; its metrics are left out of scrapes until it recovers: {Reason}")]
    private static partial void LogCollectorFailed(ILogger logger, string collector, string reason);
}
