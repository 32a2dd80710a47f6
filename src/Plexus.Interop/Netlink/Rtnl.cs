namespace Plexus.Interop.Netlink;

/// <summary>rtnetlink constants from linux/rtnetlink.h, if_link.h, if_addr.h, neighbour.h and veth.h.</summary>
internal static class Rtnl
{
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort GetLink = 18;
    public const ushort SetLink = 19;
    public const ushort NewAddr = 20;
    public const ushort DelAddr = 21;
    public const ushort GetAddr = 22;
    public const ushort NewRoute = 24;
    public const ushort DelRoute = 25;
    public const ushort GetRoute = 26;
    public const ushort NewNeigh = 28;
    public const ushort DelNeigh = 29;
    public const ushort GetNeigh = 30;

    public const byte AfUnspec = 0;
    public const byte AfInet = 2;
    public const byte AfInet6 = 10;

    public const uint IffUp = 0x1;
    public const uint IffNoArp = 0x80;

    public const ushort IflaAddress = 1;
    public const ushort IflaIfName = 3;
    public const ushort IflaMtu = 4;
    public const ushort IflaLink = 5;
    public const ushort IflaMaster = 10;
    public const ushort IflaLinkInfo = 18;
    public const ushort IflaNetNsFd = 28;
    public const ushort IflaExtMask = 29;
    public const uint RtextFilterSkipStats = 1 << 3;

    public const ushort IflaInfoKind = 1;
    public const ushort IflaInfoData = 2;
    public const ushort VethInfoPeer = 1;

    public const ushort IflaVxlanId = 1;
    public const ushort IflaVxlanLearning = 7;
    public const ushort IflaVxlanPort = 15;
    public const ushort IflaVxlanCollectMetadata = 25;

    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;
    public const ushort IfaFlags = 8;
    public const byte IfaFNoDad = 0x02;

    public const ushort RtaDst = 1;
    public const ushort RtaOif = 4;
    public const ushort RtaGateway = 5;
    public const ushort RtaPriority = 6;
    public const ushort RtaPrefSrc = 7;
    public const ushort RtaTable = 15;
    public const uint RtnhFOnLink = 0x4;
    public const uint RtmFCloned = 0x200;

    public const ushort NdaDst = 1;
    public const ushort NdaLlAddr = 2;
}
