namespace Plexus.Lab.Runtime;

/// <summary>An exclusive lock (flock) on a lab, so two <c>lab up</c>/<c>lab down</c> of the same lab do not interleave.</summary>
public static class LabLock
{
    /// <summary>Takes the lock of the lab at <paramref name="paths"/>, waiting up to 60 s for another holder.</summary>
    public static async Task<IDisposable> TakeAsync(LabPaths paths, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(LabPaths.Root);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false); // another lab up/down holds it; bounded by the deadline
            }
            catch (IOException e)
            {
                throw new LabException($"lab {paths.Lab} is busy: another 'plexus lab up' or 'lab down' holds {paths.LockFile}", e);
            }
        }
    }
}
