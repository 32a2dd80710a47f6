namespace Plexus.Interop.Bpf;

/// <summary>Receives one ring buffer record; the span points into the ring and is only valid during the call.</summary>
public delegate void BpfRecordHandler(ReadOnlySpan<byte> record);
