namespace Plexus.Lab.Runtime;

/// <summary>A lab operation failed for a reason worth telling the user as is (no stack trace).</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
