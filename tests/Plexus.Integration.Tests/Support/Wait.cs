using System.Diagnostics;

namespace Plexus.Integration.Tests.Support;

/// <summary>Waits for a condition with a deadline, never a fixed sleep.</summary>
public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> every 50 ms until true; returns how long it took, or throws after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                last = e;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{what}: not within {timeout.TotalSeconds:0.#} s{(last is null ? "" : $" (last error: {last.Message})")}");
    }
}
