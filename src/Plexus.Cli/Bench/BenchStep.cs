namespace Plexus.Cli.Bench;

/// <summary>
/// One step of a repetition: some of a scenario's metrics, measured on every side back to back before the next step
/// starts, and how to measure them on one side. <see cref="Times"/> &gt; 1 measures the step that many times per
/// repetition (a pair each time), for figures whose single samples scatter more than the others'.
/// </summary>
public sealed record BenchStep(IReadOnlyList<BenchMetric> Metrics, Func<BenchBed, CancellationToken, Task<double[]>> MeasureAsync, int Times = 1);
