/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connection tracking. An entry is keyed by the tuple of the packet that opened the connection; a packet whose
 * reversed tuple has an entry is a reply. Expired entries count as absent; the LRU map evicts old ones.
 */
#pragma once
#include "events.h"

#define CT_NEW 0
#define CT_ESTABLISHED 1
#define CT_REPLY 2

static __always_inline void ct_tuple(const struct packet *pkt, struct flow_tuple *t, int reverse)
{
	__builtin_memset(t, 0, sizeof(*t));
	t->proto = pkt->proto;
	t->family = pkt->family;
	if (!reverse) {
		t->saddr = pkt->saddr;
		t->daddr = pkt->daddr;
		t->sport = pkt->sport;
		t->dport = pkt->dport;
	} else {
		t->saddr = pkt->daddr;
		t->daddr = pkt->saddr;
		t->sport = pkt->dport;
		t->dport = pkt->sport;
	}
}

/*
 * Conntrack lifetimes need seconds, not nanoseconds: the coarse clock (CLOCK_MONOTONIC at tick resolution) is a
 * memory read, where bpf_ktime_get_ns reads the clock source (a paravirtual clock in VMs) on every packet.
 */
static __always_inline __u32 now_seconds(void)
{
	return bpf_ktime_get_coarse_ns() / 1000000000ULL;
}

static __always_inline __u32 ct_lifetime(const struct packet *pkt, __u8 seen_flags)
{
	if (pkt->proto != IPPROTO_TCP)
		return CT_LIFETIME_NONTCP;
	if (seen_flags & (TCP_FLAG_FIN | TCP_FLAG_RST))
		return CT_LIFETIME_TCP_CLOSING;
	if (seen_flags & TCP_FLAG_ACK)
		return CT_LIFETIME_TCP_ESTABLISHED;
	return CT_LIFETIME_TCP_SYN;
}

static __always_inline void ct_touch(struct ct_entry *e, const struct packet *pkt, __u32 now, int reply)
{
	__sync_fetch_and_add(&e->packets, 1);
	__sync_fetch_and_add(&e->bytes, pkt->len);
	e->tcp_flags |= pkt->tcp_flags;
	if (reply)
		e->flags |= CT_F_REPLY_SEEN;
	if (pkt->tcp_flags & (TCP_FLAG_FIN | TCP_FLAG_RST))
		e->flags |= CT_F_CLOSING;
	e->lifetime = now + ct_lifetime(pkt, e->tcp_flags);
}

/* What a new conntrack entry records about service translation (all zero for plain connections). */
struct ct_service_info {
	__u32 backend_id;
	__u16 rev_nat;
	__u8 flags;        /* CT_F_SERVICE, CT_F_HAIRPIN */
	__u8 pad;
};

/* Records a new connection under tuple `t`, opened by `pkt` (through a service when `svc` says so); 0 when refused. */
static __always_inline int ct_insert(const struct flow_tuple *t, const struct packet *pkt, __u32 src_identity,
				     const struct ct_service_info *svc, __u32 now)
{
	struct ct_entry entry = {
		.packets = 1,
		.bytes = pkt->len,
		.lifetime = now + ct_lifetime(pkt, pkt->tcp_flags),
		.src_identity = src_identity,
		.tcp_flags = pkt->tcp_flags,
		.rev_nat = svc->rev_nat,
		.flags = svc->flags,
		.backend_id = svc->backend_id,
	};
	/*
	 * A tuple that still has an entry (a connection reopened on a reused port, or an expired one) is rewritten in place:
	 * replacing it through the LRU map takes a free element and gives the old one back, two operations on the LRU's
	 * lists per new connection, where a client that reuses its ports (anything opening thousands of connections per
	 * second to one server) would pay them on every connection.
	 */
	struct ct_entry *old = bpf_map_lookup_elem(&plx_conntrack, t);
	if (old) {
		*old = entry;
		return 1;
	}
	return bpf_map_update_elem(&plx_conntrack, t, &entry, BPF_ANY) == 0;
}

/*
 * A SYN on the tuple of a connection that closed (FIN or RST seen) opens a new connection: the client reused the port
 * within the closing lifetime. It must not inherit the old one's policy verdict nor its service translation (the port
 * may have gone to another frontend of the same backend, whose replies would come back from the old frontend).
 */
static __always_inline int ct_reopens(const struct ct_entry *e, const struct packet *pkt)
{
	return (e->flags & CT_F_CLOSING) && pkt->proto == IPPROTO_TCP &&
	       (pkt->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
}

/*
 * Looks the packet up without creating anything: CT_ESTABLISHED (same direction as the opener) or CT_REPLY, with the
 * entry recorded and its service information copied to *found; CT_NEW when neither direction has a live entry or the
 * packet reopens a closed one (ct_reopens).
 * The hot path of every program: one lookup for most packets. Servers listen on low ports and clients send from high
 * (ephemeral) ones, so a packet from a lower port to a higher one is most likely a reply and its reversed tuple is
 * tried first; otherwise its own. A lookup that misses touches a random bucket of a large table (a cache miss), and
 * replies used to pay one each. The guess only orders the two lookups: what is found differs only when both
 * directions of a tuple have live entries, which two connections never make.
 */
static __always_inline int ct_lookup(const struct packet *pkt, struct ct_service_info *found)
{
	struct flow_tuple t;
	__u32 now = now_seconds();
	int reply_first = bpf_ntohs(pkt->sport) < bpf_ntohs(pkt->dport);
	struct ct_entry *e;
	int state;

	ct_tuple(pkt, &t, reply_first);
	e = bpf_map_lookup_elem(&plx_conntrack, &t);
	if (e && e->lifetime >= now) {
		state = reply_first ? CT_REPLY : CT_ESTABLISHED;
	} else {
		ct_tuple(pkt, &t, !reply_first);
		e = bpf_map_lookup_elem(&plx_conntrack, &t);
		if (!e || e->lifetime < now)
			return CT_NEW;
		state = reply_first ? CT_ESTABLISHED : CT_REPLY;
	}
	if (state == CT_ESTABLISHED && ct_reopens(e, pkt))
		return CT_NEW;
	ct_touch(e, pkt, now, state == CT_REPLY);
	found->backend_id = e->backend_id;
	found->rev_nat = e->rev_nat;
	found->flags = e->flags;
	return state;
}

/* Records a new connection opened by `pkt` (with `svc` when it was opened through a service); 0 when the map refused it. */
static __always_inline int ct_create(const struct packet *pkt, __u32 src_identity, const struct ct_service_info *svc)
{
	struct flow_tuple t;
	ct_tuple(pkt, &t, 0);
	return ct_insert(&t, pkt, src_identity, svc, now_seconds());
}

/*
 * Looks the packet up and records it: CT_ESTABLISHED (same direction as the opener), CT_REPLY, or CT_NEW after
 * creating an entry (carrying `svc` when the connection was opened through a service). *created_ok is 0 when a new
 * entry could not be inserted.
 */
static __always_inline int ct_lookup_create_svc(const struct packet *pkt, __u32 src_identity,
						const struct ct_service_info *svc, int *created_ok)
{
	struct ct_service_info found = {};
	int state = ct_lookup(pkt, &found);
	*created_ok = state != CT_NEW || ct_create(pkt, src_identity, svc);
	return state;
}

static __always_inline int ct_lookup_create(const struct packet *pkt, __u32 src_identity, int *created_ok)
{
	struct ct_service_info none = {};
	return ct_lookup_create_svc(pkt, src_identity, &none, created_ok);
}
