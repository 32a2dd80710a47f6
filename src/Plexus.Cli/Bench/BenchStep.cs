namespace Plexus.Cli.Bench;

/// <summary>
/// One step of a repetition: some of a scenario's metrics, measured on every side back to back before the next step
/// starts, and how to measure them on one side.
/// </summary>
public sealed record BenchStep(IReadOnlyList<BenchMetric> Metrics, Func<BenchBed, CancellationToken, Task<double[]>> MeasureAsync);
