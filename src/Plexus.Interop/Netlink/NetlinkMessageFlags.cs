namespace Plexus.Interop.Netlink;

/// <summary>The <c>nlmsg_flags</c> bits of a netlink message header (<c>NLM_F_*</c>).</summary>
[Flags]
public enum NetlinkMessageFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>NLM_F_REQUEST: the message is a request.</summary>
    Request = 0x1,

    /// <summary>NLM_F_MULTI: part of a multi-part reply ended by NLMSG_DONE.</summary>
    Multi = 0x2,

    /// <summary>NLM_F_ACK: ask for an acknowledgement (an NLMSG_ERROR with error 0).</summary>
    Ack = 0x4,

    /// <summary>NLM_F_ECHO: echo this request back.</summary>
    Echo = 0x8,

    /// <summary>NLM_F_DUMP_INTR: the dump changed while it was being read and may be inconsistent.</summary>
    DumpInterrupted = 0x10,

    /// <summary>NLM_F_DUMP_FILTERED: the kernel applied the filter sent with the dump.</summary>
    DumpFiltered = 0x20,

    /// <summary>NLM_F_ROOT on GET requests, NLM_F_REPLACE on NEW requests, NLM_F_CAPPED on errors.</summary>
    Replace = 0x100,

    /// <summary>NLM_F_MATCH on GET requests, NLM_F_EXCL on NEW requests, NLM_F_ACK_TLVS on errors.</summary>
    Exclusive = 0x200,

    /// <summary>NLM_F_CREATE: create the object if it does not exist.</summary>
    Create = 0x400,

    /// <summary>NLM_F_APPEND: add to the end of the object list.</summary>
    Append = 0x800,

    /// <summary>NLM_F_DUMP (ROOT | MATCH): return every object.</summary>
    Dump = 0x300,
}
