using System.Threading.Channels;

namespace Plexus.Flows;

/// <summary>A live subscription to a <see cref="FlowRing"/>: read <see cref="Reader"/>; dispose to unsubscribe.</summary>
public sealed class FlowFollower : IDisposable
{
    private readonly FlowRing _ring;
    private readonly Channel<Flow> _channel;
    private long _lost;

    internal FlowFollower(FlowRing ring, FlowQuery query, int capacity)
    {
        _ring = ring;
        Query = query;
        _channel = Channel.CreateBounded<Flow>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>The follower's query.</summary>
    public FlowQuery Query { get; }

    /// <summary>New matching flows.</summary>
    public ChannelReader<Flow> Reader => _channel.Reader;

    /// <summary>Flows this follower lost because it did not keep up.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    internal ChannelWriter<Flow> Writer => _channel.Writer;

    internal void CountLost() => Interlocked.Increment(ref _lost);

    /// <summary>Unsubscribes.</summary>
    public void Dispose()
    {
        _ring.Remove(this);
        _channel.Writer.TryComplete();
    }
}
