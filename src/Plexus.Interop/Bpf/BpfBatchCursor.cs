namespace Plexus.Interop.Bpf;

/// <summary>Position of a batched walk over a map (the kernel's opaque in/out batch token); one cursor per walk.</summary>
public sealed class BpfBatchCursor
{
    private byte[] _token = [];

    /// <summary>True once the walk reached the end of the map; further batch lookups return 0.</summary>
    public bool IsComplete { get; internal set; }

    internal bool Started { get; set; }

    /// <summary>Starts the walk over from the beginning of the map.</summary>
    public void Reset()
    {
        Started = false;
        IsComplete = false;
    }

    internal byte[] Token(int size)
    {
        if (_token.Length < size)
        {
            Array.Resize(ref _token, size);
        }

        return _token;
    }
}
