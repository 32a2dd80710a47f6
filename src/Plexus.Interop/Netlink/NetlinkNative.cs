using System.Runtime.InteropServices;

namespace Plexus.Interop.Netlink;

/// <summary>libc socket calls used by <see cref="NetlinkSocket"/>; all return -1 with errno set on failure.</summary>
internal static unsafe partial class NetlinkNative
{
    public const int AfNetlink = 16;
    public const int SockRaw = 3;
    public const int SockNonBlock = 0x800;
    public const int SockCloExec = 0x80000;
    public const int SolSocket = 1;
    public const int SoSndBuf = 7;
    public const int SoRcvBuf = 8;
    public const int SolNetlink = 270;
    public const int NetlinkCapAck = 10;
    public const int NetlinkExtAck = 11;
    public const int MsgPeek = 0x2;
    public const int MsgTrunc = 0x20;
    public const short PollIn = 0x1;
    public const short PollOut = 0x4;

    /// <summary><c>struct sockaddr_nl</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>socket(2): a new fd, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    /// <summary>bind(2): 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(SafeHandle fd, SockaddrNl* address, int addressLength);

    /// <summary>getsockname(2): 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(SafeHandle fd, SockaddrNl* address, int* addressLength);

    /// <summary>setsockopt(2): 0, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(SafeHandle fd, int level, int name, int* value, int valueLength);

    /// <summary>sendto(2): bytes sent, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(SafeHandle fd, byte* buffer, nint length, int flags, SockaddrNl* address, int addressLength);

    /// <summary>recvfrom(2): bytes received (the full datagram size with MSG_TRUNC), or -1.</summary>
    [LibraryImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    public static partial nint RecvFrom(SafeHandle fd, byte* buffer, nint length, int flags, SockaddrNl* address, int* addressLength);

    /// <summary>poll(2): number of ready fds, 0 on timeout, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>close(2): 0, or -1 (the fd is released either way).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
