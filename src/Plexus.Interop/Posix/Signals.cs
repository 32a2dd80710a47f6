using System.Runtime.InteropServices;

namespace Plexus.Interop.Posix;

/// <summary>Sending POSIX signals to processes (the BCL only offers SIGKILL through <c>Process.Kill</c>).</summary>
public static partial class Signals
{
    /// <summary>SIGTERM: ask a process to shut down gracefully.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGKILL: end a process at once.</summary>
    public const int SigKill = 9;

    /// <summary>SIGSTOP: freeze a process (it cannot catch it).</summary>
    public const int SigStop = 19;

    /// <summary>SIGCONT: let a stopped process run again.</summary>
    public const int SigCont = 18;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process no longer exists (ESRCH).</summary>
    public static bool Send(int pid, int signal)
    {
        if (Kill(pid, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Esrch ? false : throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Errno.Name(errno)}");
    }

    private const int Esrch = 3;

    /// <summary>kill(2): returns 0 on success, -1 with errno set on failure.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
