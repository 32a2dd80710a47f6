/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Map layouts. Every struct here is mirrored by a C# struct in src/Plexus.Datapath/Maps with a test that sizes and
 * offsets agree; change both together. Addresses are in network byte order; IPv4 uses the first 4 bytes of
 * union addr and leaves the rest zero, so the structures are ready for IPv6.
 */
#pragma once
#include "common.h"

union addr {
	__u32 v4;
	__u32 v6[4];
	__u8 bytes[16];
};

/* endpoints: local endpoint IP -> where and who it is. */
struct endpoint_key {
	union addr ip;
	__u8 family;
	__u8 pad[3];
};

#define ENDPOINT_F_READY 1

struct endpoint_info {
	__u32 ifindex;     /* host-side veth (lxc…) */
	__u32 identity;
	__u16 endpoint_id;
	__u16 flags;
	__u8 mac[6];       /* the pod's eth0 */
	__u8 node_mac[6];  /* the host-side veth: the pod's gateway MAC */
};

/* ipcache: longest-prefix match of every known IP or CIDR -> identity and tunnel endpoint. */
struct ipcache_key {
	__u32 prefixlen;   /* 32 (family + pad) + address prefix length */
	__u8 family;
	__u8 pad[3];
	union addr ip;
};

#define IPCACHE_F_LOCAL_NODE 1

struct ipcache_info {
	__u32 identity;
	__u32 tunnel_endpoint; /* IPv4 of the node hosting it; 0 = this node or not tunnelled */
	__u8 flags;
	__u8 pad[3];
};

/* conntrack and nat: a flow tuple. */
struct flow_tuple {
	union addr saddr;
	union addr daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 family;
	__u8 scope;        /* CT: 0, or CT_SERVICE; NAT: NAT_EGRESS / NAT_INGRESS */
	__u8 pad;
};

#define CT_F_REPLY_SEEN 1
#define CT_F_CLOSING 2
#define CT_F_SERVICE 4   /* opened through a service frontend: replies get their source rewritten to it (rev_nat) */
#define CT_F_HAIRPIN 8   /* a pod reaching itself through a service: its source was rewritten to LB_HAIRPIN_IP */

/*
 * Conntrack scopes (flow_tuple.scope in plx_conntrack). 0: the connection as it travels (after service translation).
 * CT_SERVICE: keyed by the client's tuple towards the frontend (before translation); pins the chosen backend.
 */
#define CT_SERVICE 1

struct ct_entry {
	__u64 packets;
	__u64 bytes;
	__u32 lifetime;      /* seconds since boot when the entry expires */
	__u32 src_identity;  /* identity of the side that opened the connection */
	__u16 rev_nat;       /* service id whose frontend replies are rewritten to (0: none) */
	__u8 tcp_flags;      /* union of TCP flags seen */
	__u8 flags;
	__u32 backend_id;    /* service connections: the backend chosen when it opened (0: none) */
};

#define NAT_EGRESS 1
#define NAT_INGRESS 2

struct nat_entry {
	union addr addr;   /* the address to write: node IP (egress) or pod IP (ingress) */
	__u16 port;
	__u16 pad;
	__u32 created;     /* seconds since boot */
};

/* Service load balancing (bpf/lib/lb.h). */

/* lb_service.flags */
#define LB_F_AFFINITY 1  /* sessionAffinity ClientIP: a client keeps its backend for affinity_timeout seconds */
#define LB_F_NODEPORT 2  /* a node port: key address 0 = every node address; served from outside (from-network) */
#define LB_F_EXTERNAL 4  /* a LoadBalancer or external IP: served from outside too */

/* services: frontend (address, port, protocol) -> service. Address 0 with LB_F_NODEPORT: the node's address. */
struct lb_service_key {
	union addr addr;
	__u16 port;        /* network order */
	__u8 proto;
	__u8 family;
};

struct lb_service {
	__u16 id;                /* service id = reverse-NAT id; keys plx_lb_maglev and plx_lb_revnat */
	__u16 flags;             /* LB_F_* */
	__u32 backend_count;     /* 0: the frontend refuses (SERVICE_BACKEND_NOT_FOUND) */
	__u32 affinity_timeout;  /* seconds, with LB_F_AFFINITY */
	__u32 pad;
};

/* backends: backend id -> where it is. Shared by every service that has the same (address, port, protocol). */
struct lb_backend {
	union addr addr;
	__u16 port;        /* network order */
	__u8 proto;
	__u8 flags;
};

/* revnat: service id -> the frontend replies come from. Address 0 (node ports): the node's address. */
struct lb_revnat {
	union addr addr;
	__u16 port;        /* network order */
	__u16 pad;
};

/* affinity: (client, service) -> backend, for sessionAffinity ClientIP. */
struct lb_affinity_key {
	union addr client;
	__u32 service_id;
	__u8 family;
	__u8 pad[3];
};

struct lb_affinity {
	__u32 backend_id;
	__u32 last_used;   /* seconds since boot */
};

/* metrics: packets and bytes by reason (0 = forwarded) and direction. */
struct metrics_key {
	__u8 reason;
	__u8 dir;
	__u16 pad;
};

struct metrics_value {
	__u64 packets;
	__u64 bytes;
};

/* events ring buffer record: one per drop and per new connection. */
struct flow_event {
	__u64 time_ns;          /* bpf_ktime_get_ns() */
	__u8 type;              /* EVENT_DROP / EVENT_TRACE */
	__u8 reason;            /* drop reason, 0 for traces */
	__u8 obs_point;         /* TRACE_* */
	__u8 dir;               /* DIR_* */
	__u32 ifindex;
	__u32 src_identity;
	__u32 dst_identity;
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 is_reply;
	__u32 tunnel_endpoint;  /* TO_OVERLAY: remote node; FROM_OVERLAY: sending node */
	union addr saddr;
	union addr daddr;
	__u16 sport;
	__u16 dport;
	__u32 len;
	__u32 rule_id;          /* policy entry that decided a new connection (plx_policy value), 0 = none */
	__u8 verdict;           /* 0: implied by type; VERDICT_AUDIT: a policy drop forwarded in audit mode */
	__u8 icmp_type;         /* ICMP: the message type */
	__u16 rev_nat;          /* new connection through a service: its id (lb_rev_nat key), else 0 */
};

/*
 * Policy (bpf/lib/policy.h, docs/policy.md). One LPM trie serves every endpoint: endpoint, direction and peer
 * identity are always fully specified (56 bits), then the protocol (8 bits, or nothing for "any protocol"), then
 * 0-16 bits of the destination port (network order; ICMP: the type). Identity 0 is the wildcard peer.
 */
#define POLICY_PREFIX_FIXED 56
#define POLICY_PREFIX_FULL 80

struct policy_key {
	__u32 prefixlen;
	__u32 identity;
	__u16 endpoint_id;
	__u8 direction;    /* DIR_INGRESS / DIR_EGRESS */
	__u8 protocol;
	__u16 dport;       /* network order */
	__u16 pad;
};

#define POLICY_ALLOW 1
#define POLICY_DENY 2

struct policy_entry {
	__u8 verdict;      /* POLICY_ALLOW / POLICY_DENY */
	__u8 pad;
	__u16 proxy_port;  /* L7 proxy port, host order (0: none; L7 comes later) */
	__u32 rule_id;     /* which rules produced the entry: the agent maps it back to their names */
};

/* policy_state.ingress / .egress */
#define POLICY_F_ENFORCED 1  /* default deny: no matching allow = drop 133 */
#define POLICY_F_AUDIT 2     /* drops are reported with VERDICT_AUDIT and forwarded */
#define POLICY_F_ENTRIES 4   /* the direction has entries: without them and ENFORCED there is nothing to look up */

/* policy state: endpoint id -> per-direction flags. No entry = no policy at all (allow-all, nothing to look up). */
struct policy_state {
	__u8 ingress;
	__u8 egress;
	__u16 pad;
};

/* A ring buffer declares no value type: this anchor keeps struct flow_event in the BTF, where the C# mirror's
 * layout is checked against it (MapLayoutTests). */
const volatile struct flow_event plx_flow_event_layout;

#ifndef PLEXUS_NO_MAPS

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct endpoint_key);
	__type(value, struct endpoint_info);
	__uint(max_entries, 65536);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct ipcache_key);
	__type(value, struct ipcache_info);
	__uint(max_entries, 512000);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_ipcache SEC(".maps");

/*
 * The pod blocks of the other nodes (prefix -> that node's address in tunnel_endpoint, identity world), as Cilium's
 * tunnel map: a pod the ipcache does not know yet (its node created it moments ago and the record is on its way) is
 * reached through the tunnel of the node whose block holds it instead of being lost. Kept apart from the ipcache so
 * a CIDR identity of the same prefix never replaces it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct ipcache_key);
	__type(value, struct ipcache_info);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_tunnel SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct flow_tuple);
	__type(value, struct ct_entry);
	__uint(max_entries, 262144);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_conntrack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct flow_tuple);
	__type(value, struct nat_entry);
	__uint(max_entries, 131072);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_nat SEC(".maps");

/* Indexed by the bytes of a struct metrics_key read as a __u32: an array lookup is inlined by the JIT, a hash lookup is not. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct metrics_value);
	__uint(max_entries, 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_metrics SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_events SEC(".maps");

/* Events that did not fit in the ring buffer, per CPU (index 0). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_events_lost SEC(".maps");

/* Sizes follow Cilium's defaults (REFERENCE.md): 64k services and backends. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct lb_service_key);
	__type(value, struct lb_service);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_lb_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct lb_backend);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_lb_backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct lb_revnat);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_lb_revnat SEC(".maps");

/*
 * Maglev tables: service id -> __u32[M] backend ids, one value per service. M is a load-time choice: the loader sets
 * value_size to 4 * M and CONFIG_MAGLEV_M to M (the declared size is the default M = 16381). Not BTF-typed, so the
 * value size can change. A hash without preallocation costs memory only for the services that exist, and replacing
 * a value is atomic: the datapath sees the old table or the new one, never a mix.
 */
#define LB_MAGLEV_DEFAULT_M 16381
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32) * LB_MAGLEV_DEFAULT_M);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_lb_maglev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct lb_affinity_key);
	__type(value, struct lb_affinity);
	__uint(max_entries, 65536);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_lb_affinity SEC(".maps");

/*
 * Policy entries of every local endpoint. Cilium sizes 16,384 entries per endpoint; one shared trie of 64k entries
 * suits a lab node (PolicyMaps reports a full map per endpoint, never half-programs one).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct policy_key);
	__type(value, struct policy_entry);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct policy_state);
	__uint(max_entries, 65536);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} plx_policy_state SEC(".maps");

#endif
