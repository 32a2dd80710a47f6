namespace Plexus.Agent.Registration;

/// <summary>Live agent state shared by controllers and the API; updated atomically as one immutable snapshot.</summary>
public sealed class AgentState(TimeProvider timeProvider)
{
    private StoreStatus _store = new(false, null, 0, null, 0);

    private string? _podCidr;
    private TaskCompletionSource _recordChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The node's pod CIDR block once IPAM has claimed it (written into the node record).</summary>
    public string? PodCidr
    {
        get => Volatile.Read(ref _podCidr);
        set
        {
            Volatile.Write(ref _podCidr, value);
            Interlocked.Exchange(ref _recordChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>
    /// Completes at the next change of what the node record carries (<see cref="PodCidr"/>): the registrar writes the
    /// record then instead of at its next keep-alive, so other nodes route the new block at once.
    /// </summary>
    public Task RecordChanged => Volatile.Read(ref _recordChanged).Task;

    /// <summary>When the agent started.</summary>
    public DateTimeOffset StartedAt { get; } = timeProvider.GetUtcNow();

    /// <summary>The current store connection snapshot.</summary>
    public StoreStatus Store => Volatile.Read(ref _store);

    /// <summary>Applies <paramref name="change"/> to the store snapshot atomically.</summary>
    public void UpdateStore(Func<StoreStatus, StoreStatus> change)
    {
        StoreStatus current, next;
        do
        {
            current = Volatile.Read(ref _store);
            next = change(current);
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _store, next, current), current));
    }
}

/// <summary>Store connection as the agent last saw it.</summary>
/// <param name="Connected">The last store call succeeded.</param>
/// <param name="LastError">Why the last failed call failed.</param>
/// <param name="Lease">The node lease id (0 = none).</param>
/// <param name="RegisteredAt">When the node record was last written.</param>
/// <param name="Reconnects">How many times the connection came back after an outage.</param>
public sealed record StoreStatus(bool Connected, string? LastError, long Lease, DateTimeOffset? RegisteredAt, int Reconnects);
