/* SPDX-License-Identifier: Apache-2.0 */
/* Plexus datapath: constants shared by every program and mirrored in C# (Plexus.Datapath). */
#pragma once

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* ICMPv4 header (linux/icmp.h pulls in libc socket headers that do not build for BPF). */
struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	union {
		struct {
			__be16 id;
			__be16 sequence;
		} echo;
		__be32 gateway;
	} un;
};

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

/* Drop reasons: Cilium's numbering, so flows read the same to Hubble users. */
#define DROP_INVALID_SIP 132
#define DROP_POLICY 133
#define DROP_INVALID 134
#define DROP_CT_INVALID_HDR 135
#define DROP_UNSUPPORTED_L3 139
#define DROP_WRITE_ERROR 141
#define DROP_UNKNOWN_L4 142
#define DROP_NO_TUNNEL_KEY 147
#define DROP_NO_LOCAL_ENDPOINT 152
#define DROP_CSUM_L3 153
#define DROP_CSUM_L4 154
#define DROP_CT_MAP_INSERTION_FAILED 155
#define DROP_FRAG_NOT_SUPPORTED 157
#define DROP_NO_SERVICE 158 /* SERVICE_BACKEND_NOT_FOUND */
#define DROP_NO_TUNNEL_ENDPOINT 160
#define DROP_NAT_NO_MAPPING 167
#define DROP_NAT_UNSUPPORTED_PROTO 168
#define DROP_FIB_LOOKUP_FAILED 169
#define DROP_INVALID_IDENTITY 171
#define DROP_UNKNOWN_SENDER 172
#define DROP_POLICY_DENY 181 /* an explicit deny rule */
#define DROP_TTL_EXCEEDED 196

/* Observation points (Hubble trace points). */
#define TRACE_TO_HOST 2
#define TRACE_TO_STACK 3
#define TRACE_TO_OVERLAY 4
#define TRACE_FROM_ENDPOINT 5
#define TRACE_FROM_STACK 8
#define TRACE_FROM_OVERLAY 9
#define TRACE_FROM_NETWORK 10
#define TRACE_TO_NETWORK 11
#define TRACE_TO_ENDPOINT 101

/* Reserved identities (REFERENCE.md). */
#define ID_UNKNOWN 0
#define ID_HOST 1
#define ID_WORLD 2
#define ID_REMOTE_NODE 6
/* Bit 24: node-local identities (CIDR-derived; IdentityNumbers.LocalScopeFlag), never sent on the wire. */
#define ID_LOCAL_SCOPE_FLAG (1U << 24)

/* The world and the CIDR identities policies carve out of it: outside the cluster wherever the ipcache says so. */
static __always_inline int identity_is_world(__u32 identity)
{
	return identity == ID_WORLD || (identity & ID_LOCAL_SCOPE_FLAG);
}

/* Traffic direction in metrics and events. */
#define DIR_INGRESS 1
#define DIR_EGRESS 2

/* Event types (Cilium monitor numbering). */
#define EVENT_DROP 1
#define EVENT_TRACE 4

/* Flow verdicts carried in events when the type alone does not say it. */
#define VERDICT_AUDIT 4

/* Address families as stored in keys. */
#define FAMILY_IPV4 4
#define FAMILY_IPV6 6

/* Conntrack lifetimes in seconds. */
#define CT_LIFETIME_TCP_ESTABLISHED 8000
#define CT_LIFETIME_TCP_SYN 60
#define CT_LIFETIME_TCP_CLOSING 10
#define CT_LIFETIME_NONTCP 60

#define NAT_PORT_TRIES 32
#define VXLAN_PORT 8472 /* the overlay's UDP port (DatapathConstants.VxlanPort) */

/*
 * Source address of hairpinned service connections (a pod reaching itself through a service): the pod's kernel
 * drops packets that arrive from outside with its own address as source, so the datapath rewrites the source to
 * this link-local address and back on the reply. 169.254.42.1 in network order.
 */
#define LB_HAIRPIN_IP bpf_htonl(0xa9fe2a01)
#define DEFAULT_TTL 64
