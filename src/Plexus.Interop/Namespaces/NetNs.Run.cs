using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using static Plexus.Interop.Namespaces.NamespaceNative;

namespace Plexus.Interop.Namespaces;

public static partial class NetNs
{
    /// <summary>
    /// Runs <paramref name="action"/> on a new OS thread that first enters <paramref name="netns"/> (setns
    /// CLONE_NEWNET) and ends afterwards, so no pool thread is ever left in another namespace. Sockets (and
    /// <c>RtNetlink</c> clients) created inside stay bound to that namespace and may be used from any thread.
    /// </summary>
    /// <remarks>
    /// Only synchronous, thread-free work belongs inside (opening sockets, netlink clients, sysctls): an <c>await</c>
    /// would resume on a pool thread in the caller's namespace, and any thread created from inside (Task.Run, timers,
    /// async socket I/O waking the pool) would inherit the namespace, because Linux copies it into new threads.
    /// </remarks>
    public static T Run<T>(SafeHandle netns, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(netns);
        ArgumentNullException.ThrowIfNull(action);
        return OnDedicatedThread(() => Inside(netns, action));
    }

    /// <summary>Runs <paramref name="action"/> inside <paramref name="netns"/> on a dedicated thread, like <see cref="Run{T}"/>.</summary>
    public static void Run(SafeHandle netns, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run(netns, () =>
        {
            action();
            return true;
        });
    }

    /// <summary>Like <see cref="Run{T}"/>, but the caller awaits the dedicated thread instead of blocking on it.</summary>
    /// <remarks><paramref name="cancellationToken"/> is checked before the thread starts; a running action is not interrupted.</remarks>
    public static Task<T> RunAsync<T>(SafeHandle netns, Func<T> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(netns);
        ArgumentNullException.ThrowIfNull(action);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartThread(() =>
        {
            try
            {
                completion.SetResult(Inside(netns, action));
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        });
        return completion.Task;
    }

    /// <summary>Like <see cref="Run(SafeHandle, Action)"/>, awaited instead of blocking.</summary>
    public static Task RunAsync(SafeHandle netns, Action action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return RunAsync(netns, () =>
        {
            action();
            return true;
        }, cancellationToken);
    }

    private static T Inside<T>(SafeHandle netns, Func<T> action) => ReturningHome(() =>
    {
        if (SetNs(netns, CloneNewNet) != 0)
        {
            var path = netns is NetNsHandle handle ? handle.Path : $"fd {netns.DangerousGetHandle()}";
            throw new NamespaceException("enter netns", path, Marshal.GetLastPInvokeError());
        }

        return action();
    });

    // Runs body, which may switch this thread's network namespace, then switches back before the caller signals
    // anyone: a thread created from this one (a pool worker woken by SetResult, the GC's background thread…) would
    // otherwise be born in the foreign namespace and keep it for life. The thread ends right after, never reused.
    private static T ReturningHome<T>(Func<T> body)
    {
        using var home = OpenCurrent();
        try
        {
            return body();
        }
        finally
        {
            if (SetNs(home, CloneNewNet) != 0)
            {
                throw new NamespaceException("return to netns", home.Path, Marshal.GetLastPInvokeError());
            }
        }
    }

    private static T OnDedicatedThread<T>(Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = StartThread(() =>
        {
            try
            {
                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        });
        thread.Join();
        failure?.Throw();
        return result;
    }

    private static Thread StartThread(Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = "netns" };
        thread.Start();
        return thread;
    }
}
