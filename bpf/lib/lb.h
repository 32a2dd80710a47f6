/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Service load balancing: frontend lookup, backend choice (conntrack pin, ClientIP affinity, Maglev), DNAT with
 * hairpin SNAT, reverse translation of replies, and TCP resets for connections that have no backend.
 *
 * A connection through a service has two conntrack entries on the client's node:
 *   - scope CT_SERVICE, keyed by the client's tuple towards the frontend: pins the backend id (and counts the
 *     connection for `plexus services`);
 *   - scope 0, keyed by the translated tuple: carries CT_F_SERVICE and the reverse-NAT id, so the backend's replies
 *     (found by their reversed tuple) get the frontend as source again, wherever they arrive on this node.
 */
#pragma once
#include "nat.h"

#define LB_REFUSE 1 /* no backend: answer TCP with a RST, drop anything else (SERVICE_BACKEND_NOT_FOUND) */

/* The backend chosen for a packet and what conntrack records about it. */
struct lb_selection {
	union addr addr;
	__u16 port;
	__u16 pad;
	struct ct_service_info ct;
};

/*
 * The service whose frontend the packet is addressed to, or null. From pods (from_outside = 0) every frontend with
 * an address matches; from outside the cluster only node ports (on the node's address) and LoadBalancer/external
 * addresses do: a ClusterIP is not reachable from outside.
 */
static __always_inline struct lb_service *lb_lookup_service(const struct packet *pkt, int from_outside)
{
	if (!pkt->has_l4 || (pkt->proto != IPPROTO_TCP && pkt->proto != IPPROTO_UDP))
		return 0;
	struct lb_service_key key = {
		.addr = pkt->daddr,
		.port = pkt->dport,
		.proto = pkt->proto,
		.family = pkt->family,
	};
	struct lb_service *svc;
	if (from_outside && pkt->daddr.v4 == CONFIG_NODE_IP) {
		key.addr.v4 = 0;
		svc = bpf_map_lookup_elem(&plx_lb_services, &key);
		return svc && (svc->flags & LB_F_NODEPORT) ? svc : 0;
	}
	svc = bpf_map_lookup_elem(&plx_lb_services, &key);
	if (svc && from_outside && !(svc->flags & LB_F_EXTERNAL))
		return 0;
	return svc;
}

static __always_inline __u32 lb_mix(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* A hash of the client's 5-tuple towards the frontend; no per-node seed, so every node picks the same slot. */
static __always_inline __u32 lb_flow_hash(const struct packet *pkt)
{
	__u32 h = 0x9e3779b9;
	h = lb_mix(h ^ pkt->saddr.v4);
	h = lb_mix(h ^ pkt->daddr.v4);
	h = lb_mix(h ^ (((__u32)pkt->sport << 16) | pkt->dport));
	h = lb_mix(h ^ pkt->proto);
	return h;
}

/* The backend id in the Maglev slot of `hash` for service `id`; 0 when the service has no table. */
static __always_inline __u32 lb_maglev_pick(__u16 id, __u32 hash)
{
	__u32 key = id;
	__u32 *table = bpf_map_lookup_elem(&plx_lb_maglev, &key);
	if (!table)
		return 0;
	__u32 m = CONFIG_MAGLEV_M;
	if (m == 0)
		return 0;
	__u32 slot = hash % m;
	/* Keep the bound check the compiler would drop (x % m < m): the verifier needs it to bound the index. */
	asm volatile("" : "+r"(slot));
	if (slot >= m)
		return 0;
	return table[slot];
}

static __always_inline struct lb_backend *lb_lookup_backend(__u32 id)
{
	return id ? bpf_map_lookup_elem(&plx_lb_backends, &id) : 0;
}

/*
 * Chooses the backend for a packet to `svc`: the one its connection is pinned to (unless a SYN reopens a closed one,
 * ct_reopens), else (new connection) the client's affinity backend, else the Maglev slot of its flow hash; records
 * new connections in conntrack (scope CT_SERVICE).
 * A TCP connection whose pinned backend was removed is refused (its entry removed), so the client gets a RST rather
 * than silence. Returns 0, LB_REFUSE, or a drop reason.
 */
static __always_inline int lb_select(const struct packet *pkt, const struct lb_service *svc, __u32 src_identity,
				     struct lb_selection *sel)
{
	__u32 now = now_seconds();
	__u16 id = svc->id;
	struct flow_tuple t;
	ct_tuple(pkt, &t, 0);
	t.scope = CT_SERVICE;
	sel->ct.rev_nat = id;
	sel->ct.flags = CT_F_SERVICE;

	struct ct_entry *pinned = bpf_map_lookup_elem(&plx_conntrack, &t);
	if (pinned && pinned->lifetime >= now && !ct_reopens(pinned, pkt)) {
		__u32 backend_id = pinned->backend_id;
		struct lb_backend *b = lb_lookup_backend(backend_id);
		if (b) {
			ct_touch(pinned, pkt, now, 0);
			sel->addr = b->addr;
			sel->port = b->port;
			sel->ct.backend_id = backend_id;
			return 0;
		}
		bpf_map_delete_elem(&plx_conntrack, &t);
		/* Only a SYN opens a new connection on the same tuple; any other TCP segment belongs to the dead one. */
		if (pkt->proto == IPPROTO_TCP && (pkt->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
			return LB_REFUSE;
	}

	if (svc->backend_count == 0)
		return LB_REFUSE;

	__u32 backend_id = 0;
	struct lb_backend *b = 0;
	struct lb_affinity_key ak = { .client = pkt->saddr, .service_id = id, .family = pkt->family };
	if (svc->flags & LB_F_AFFINITY) {
		struct lb_affinity *a = bpf_map_lookup_elem(&plx_lb_affinity, &ak);
		if (a && now - a->last_used <= svc->affinity_timeout) {
			backend_id = a->backend_id;
			b = lb_lookup_backend(backend_id);
		}
	}
	if (!b) {
		backend_id = lb_maglev_pick(id, lb_flow_hash(pkt));
		b = lb_lookup_backend(backend_id);
	}
	if (!b)
		return LB_REFUSE;
	if (svc->flags & LB_F_AFFINITY) {
		struct lb_affinity a = { .backend_id = backend_id, .last_used = now };
		bpf_map_update_elem(&plx_lb_affinity, &ak, &a, BPF_ANY);
	}

	sel->addr = b->addr;
	sel->port = b->port;
	sel->ct.backend_id = backend_id;
	if (!ct_insert(&t, pkt, src_identity, &sel->ct, now))
		return DROP_CT_MAP_INSERTION_FAILED;
	return 0;
}

/*
 * Rewrites the destination to the chosen backend. When the client is the backend itself (hairpin), the source
 * becomes LB_HAIRPIN_IP too, or the pod's kernel would drop a packet from its own address arriving from outside.
 */
static __always_inline int lb_dnat(struct __sk_buff *skb, struct packet *pkt, struct lb_selection *sel)
{
	int ret = rewrite_addr(skb, pkt, 0, sel->addr.v4);
	if (ret)
		return ret;
	if (sel->port != pkt->dport) {
		ret = rewrite_port(skb, pkt, 0, sel->port);
		if (ret)
			return ret;
	}
	if (pkt->daddr.v4 == pkt->saddr.v4) {
		ret = rewrite_addr(skb, pkt, 1, LB_HAIRPIN_IP);
		if (ret)
			return ret;
		sel->ct.flags |= CT_F_HAIRPIN;
	}
	return 0;
}

/*
 * For a reply of a service connection (its reversed tuple has a scope-0 entry with CT_F_SERVICE): records it in that
 * entry, undoes the hairpin SNAT, and rewrites the source back to the frontend. Returns 1 when the packet was such a
 * reply (then *reason is 0 or why the rewrite failed), 0 otherwise.
 */
static __always_inline int lb_reverse_nat(struct __sk_buff *skb, struct packet *pkt, const struct ct_service_info *ct);

static __always_inline int lb_reverse(struct __sk_buff *skb, struct packet *pkt, int *reason)
{
	*reason = 0;
	if (!pkt->has_l4 || (pkt->proto != IPPROTO_TCP && pkt->proto != IPPROTO_UDP))
		return 0;
	struct flow_tuple r;
	ct_tuple(pkt, &r, 1);
	struct ct_entry *e = bpf_map_lookup_elem(&plx_conntrack, &r);
	__u32 now = now_seconds();
	if (!e || e->lifetime < now || !(e->flags & CT_F_SERVICE) || !e->rev_nat)
		return 0;
	struct ct_service_info info = { .backend_id = e->backend_id, .rev_nat = e->rev_nat, .flags = e->flags };
	ct_touch(e, pkt, now, 1);
	*reason = lb_reverse_nat(skb, pkt, &info);
	return 1;
}

/* Whether a conntrack hit in the reply direction belongs to a service connection (and needs lb_reverse_nat). */
static __always_inline int lb_is_service_reply(int ct, const struct ct_service_info *found)
{
	return ct == CT_REPLY && (found->flags & CT_F_SERVICE) && found->rev_nat;
}

/*
 * Rewrites a reply of a service connection, described by its conntrack entry, back to the frontend (and undoes the
 * hairpin SNAT). Returns 0 or a drop reason; a service that is gone leaves the reply as it is.
 */
static __always_inline int lb_reverse_nat(struct __sk_buff *skb, struct packet *pkt, const struct ct_service_info *ct)
{
	__u32 key = ct->rev_nat;
	struct lb_revnat *rn = bpf_map_lookup_elem(&plx_lb_revnat, &key);
	if (!rn)
		return 0;
	__be32 addr = rn->addr.v4 ? rn->addr.v4 : CONFIG_NODE_IP;
	__be16 port = rn->port;
	int reason;
	if (ct->flags & CT_F_HAIRPIN) {
		reason = rewrite_addr(skb, pkt, 0, pkt->saddr.v4);
		if (reason)
			return reason;
	}
	reason = rewrite_addr(skb, pkt, 1, addr);
	if (!reason && port != pkt->sport)
		reason = rewrite_port(skb, pkt, 1, port);
	return reason;
}

static __always_inline __u16 csum_fold32(__s64 sum)
{
	__u32 s = (__u32)sum;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/*
 * Turns the TCP segment in skb into the reset its sender gets from the frontend it addressed (pkt->daddr:dport):
 * addresses, ports and MACs swapped, options and payload trimmed, checksums computed. As RFC 793 says: an ACK gets
 * RST with seq = its ack; anything else gets RST|ACK acknowledging what it carried. Returns 0, or DROP_NO_SERVICE
 * when the packet is not answered (not TCP, a RST itself, IP options).
 */
static __always_inline int lb_build_rst(struct __sk_buff *skb, const struct packet *pkt)
{
	if (pkt->proto != IPPROTO_TCP || !pkt->has_l4 || (pkt->tcp_flags & TCP_FLAG_RST))
		return DROP_NO_SERVICE;
	if (pkt->l3_off != ETH_HLEN || pkt->l4_off != ETH_HLEN + sizeof(struct iphdr))
		return DROP_NO_SERVICE;
	if (!ensure_linear(skb, ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr)))
		return DROP_NO_SERVICE;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip4 = data + ETH_HLEN;
	struct tcphdr *tcp = data + ETH_HLEN + sizeof(struct iphdr);
	if ((void *)(tcp + 1) > data_end)
		return DROP_NO_SERVICE;

	__u8 macs[2 * ETH_ALEN];
	__builtin_memcpy(macs, eth->h_source, ETH_ALEN);
	__builtin_memcpy(macs + ETH_ALEN, eth->h_dest, ETH_ALEN);
	__u32 seq = bpf_ntohl(tcp->seq);
	__u32 ack = bpf_ntohl(tcp->ack_seq);
	__u32 doff = (((__u8 *)tcp)[12] >> 4) * 4;
	__u32 tot = bpf_ntohs(ip4->tot_len);
	__u32 payload = tot > sizeof(struct iphdr) + doff ? tot - sizeof(struct iphdr) - doff : 0;

	struct {
		struct iphdr ip;
		struct tcphdr tcp;
	} out = {};
	((__u8 *)&out.ip)[0] = 0x45;
	out.ip.tot_len = bpf_htons(sizeof(out));
	out.ip.frag_off = bpf_htons(0x4000); /* DF */
	out.ip.ttl = DEFAULT_TTL;
	out.ip.protocol = IPPROTO_TCP;
	out.ip.saddr = pkt->daddr.v4;
	out.ip.daddr = pkt->saddr.v4;
	out.tcp.source = pkt->dport;
	out.tcp.dest = pkt->sport;
	((__u8 *)&out.tcp)[12] = 5 << 4;
	if (pkt->tcp_flags & TCP_FLAG_ACK) {
		out.tcp.seq = bpf_htonl(ack);
		((__u8 *)&out.tcp)[13] = TCP_FLAG_RST;
	} else {
		__u32 len = payload + ((pkt->tcp_flags & TCP_FLAG_SYN) ? 1 : 0) + ((pkt->tcp_flags & TCP_FLAG_FIN) ? 1 : 0);
		out.tcp.ack_seq = bpf_htonl(seq + len);
		((__u8 *)&out.tcp)[13] = TCP_FLAG_RST | TCP_FLAG_ACK;
	}
	out.ip.check = csum_fold32(bpf_csum_diff(0, 0, (__be32 *)&out.ip, sizeof(out.ip), 0));
	struct {
		__be32 saddr;
		__be32 daddr;
		__u8 zero;
		__u8 proto;
		__be16 len;
		struct tcphdr tcp;
	} pseudo = {
		.saddr = out.ip.saddr,
		.daddr = out.ip.daddr,
		.proto = IPPROTO_TCP,
		.len = bpf_htons(sizeof(struct tcphdr)),
		.tcp = out.tcp,
	};
	out.tcp.check = csum_fold32(bpf_csum_diff(0, 0, (__be32 *)&pseudo, sizeof(pseudo), 0));

	if (bpf_skb_change_tail(skb, ETH_HLEN + sizeof(out), 0) < 0)
		return DROP_WRITE_ERROR;
	if (bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0) < 0)
		return DROP_WRITE_ERROR;
	if (bpf_skb_store_bytes(skb, ETH_HLEN, &out, sizeof(out), 0) < 0)
		return DROP_WRITE_ERROR;
	return 0;
}

/*
 * Refuses a packet to a frontend without a backend: reports SERVICE_BACKEND_NOT_FOUND, and for TCP rewrites the
 * packet into the RST for its sender (1 = send it back, the caller redirects), else 0 = drop it.
 */
static __always_inline int lb_refuse(struct __sk_buff *skb, const struct packet *pkt, __u8 obs, __u8 dir,
				     __u32 src_id)
{
	count(DROP_NO_SERVICE, dir, skb->len);
	emit(skb, pkt, EVENT_DROP, DROP_NO_SERVICE, obs, dir, src_id, ID_UNKNOWN, 0, 0);
	return lb_build_rst(skb, pkt) == 0;
}
