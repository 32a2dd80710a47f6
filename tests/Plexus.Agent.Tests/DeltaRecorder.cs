using System.Threading.Channels;
using Plexus.Agent.ControlPlane.Mirroring;

namespace Plexus.Agent.Tests;

/// <summary>Records the deltas a mirror reports, in order, and hands them out one at a time with a deadline.</summary>
internal sealed class DeltaRecorder<T>
    where T : class
{
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    private readonly Channel<MirrorDelta<T>> _deltas = Channel.CreateUnbounded<MirrorDelta<T>>();

    /// <summary>Runs on the mirror's loop before a delta is recorded (tests use it to hold the mirror).</summary>
    public Action<MirrorDelta<T>>? BeforeRecord { get; set; }

    /// <summary>The subscriber to pass to the mirror.</summary>
    public void OnDelta(MirrorDelta<T> delta)
    {
        BeforeRecord?.Invoke(delta);
        _deltas.Writer.TryWrite(delta);
    }

    /// <summary>The next delta; fails when none arrives within the deadline.</summary>
    public async Task<MirrorDelta<T>> NextAsync(TimeSpan? deadline = null) =>
        await _deltas.Reader.ReadAsync().AsTask().WaitAsync(deadline ?? DefaultDeadline);

    /// <summary>True when no delta is waiting.</summary>
    public bool IsEmpty => _deltas.Reader.Count == 0;
}
