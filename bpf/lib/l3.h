/* SPDX-License-Identifier: Apache-2.0 */
/* Header rewrites with checksum fixes, TTL handling and delivery into local endpoints. */
#pragma once
#include "conntrack.h"

#ifndef AF_INET
#define AF_INET 2
#endif

/*
 * Decrements the IPv4 TTL as a router does; DROP_TTL_EXCEEDED when it would reach zero. TTL, protocol and the header
 * checksum are one 4-byte run (offsets 8-11): one store writes the new TTL with the checksum adjusted incrementally
 * (RFC 1624) for the TTL's 16-bit word, as the kernel's ip_decrease_ttl does, instead of two helper calls.
 */
static __always_inline int ttl_dec(struct __sk_buff *skb, struct packet *pkt)
{
	if (pkt->ttl <= 1)
		return DROP_TTL_EXCEEDED;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip4 = data + ETH_HLEN;
	if ((void *)(ip4 + 1) > data_end)
		return DROP_INVALID;
	struct {
		__u8 ttl;
		__u8 protocol;
		__u16 check;
	} word = { .ttl = pkt->ttl - 1, .protocol = ip4->protocol };
	__u32 check = (__u32)ip4->check + (__u32)bpf_htons(0x0100);
	word.check = (__u16)(check + (check >= 0xffff));
	if (bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, ttl), &word, sizeof(word), 0) < 0)
		return DROP_WRITE_ERROR;
	pkt->ttl = word.ttl;
	return 0;
}

/* Rewrites the IPv4 source (src = 1) or destination address, fixing the L3 and L4 checksums. */
static __always_inline int rewrite_addr(struct __sk_buff *skb, struct packet *pkt, int src, __be32 addr)
{
	__be32 old = src ? pkt->saddr.v4 : pkt->daddr.v4;
	__u32 off = pkt->l3_off + (src ? offsetof(struct iphdr, saddr) : offsetof(struct iphdr, daddr));
	__u32 csum = l4_csum_off(pkt);
	/* ICMP's checksum does not cover a pseudo header: only TCP and UDP need the address folded in. */
	if (csum && pkt->has_l4 && pkt->proto != IPPROTO_ICMP) {
		__u64 flags = BPF_F_PSEUDO_HDR | sizeof(addr);
		if (pkt->proto == IPPROTO_UDP)
			flags |= BPF_F_MARK_MANGLED_0;
		if (bpf_l4_csum_replace(skb, csum, old, addr, flags) < 0)
			return DROP_CSUM_L4;
	}
	if (bpf_l3_csum_replace(skb, pkt->l3_off + offsetof(struct iphdr, check), old, addr, sizeof(addr)) < 0)
		return DROP_CSUM_L3;
	if (bpf_skb_store_bytes(skb, off, &addr, sizeof(addr), 0) < 0)
		return DROP_WRITE_ERROR;
	if (src)
		pkt->saddr.v4 = addr;
	else
		pkt->daddr.v4 = addr;
	return 0;
}

/*
 * Rewrites the source (src = 1) or destination port; for ICMP echo it rewrites the id, which stands in the
 * source slot of a request and the destination slot of a reply.
 */
static __always_inline int rewrite_port(struct __sk_buff *skb, struct packet *pkt, int src, __be16 port)
{
	__be16 old = src ? pkt->sport : pkt->dport;
	__u32 off;
	if (pkt->proto == IPPROTO_ICMP)
		off = pkt->l4_off + offsetof(struct icmphdr, un.echo.id);
	else
		off = pkt->l4_off + (src ? offsetof(struct tcphdr, source) : offsetof(struct tcphdr, dest));
	__u64 flags = sizeof(port);
	if (pkt->proto == IPPROTO_UDP)
		flags |= BPF_F_MARK_MANGLED_0;
	if (bpf_l4_csum_replace(skb, l4_csum_off(pkt), old, port, flags) < 0)
		return DROP_CSUM_L4;
	if (bpf_skb_store_bytes(skb, off, &port, sizeof(port), 0) < 0)
		return DROP_WRITE_ERROR;
	if (src)
		pkt->sport = port;
	else
		pkt->dport = port;
	return 0;
}

static __always_inline int set_macs(struct __sk_buff *skb, const __u8 *dst, const __u8 *src)
{
	if (bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_dest), dst, ETH_ALEN, 0) < 0)
		return DROP_WRITE_ERROR;
	if (bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_source), src, ETH_ALEN, 0) < 0)
		return DROP_WRITE_ERROR;
	return 0;
}

/*
 * Delivers into a local endpoint's namespace (tc ingress only): the pod's MAC as destination, the gateway MAC as
 * source. endpoint_info keeps the two in Ethernet's order, so one store writes both.
 */
static __always_inline int redirect_to_endpoint(struct __sk_buff *skb, const struct endpoint_info *ep)
{
	_Static_assert(__builtin_offsetof(struct endpoint_info, node_mac) == __builtin_offsetof(struct endpoint_info, mac) + ETH_ALEN,
		       "endpoint_info: node_mac must follow mac");
	if (bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_dest), ep->mac, 2 * ETH_ALEN, 0) < 0)
		return TC_ACT_SHOT;
	return bpf_redirect_peer(ep->ifindex, 0);
}

static __always_inline struct endpoint_info *lookup_endpoint(const union addr *ip)
{
	struct endpoint_key key = { .ip = *ip, .family = FAMILY_IPV4 };
	return bpf_map_lookup_elem(&plx_endpoints, &key);
}

/* The LPM key of one IPv4 address (a full-length prefix), for plx_ipcache and plx_tunnel alike. */
static __always_inline struct ipcache_key ipcache_key_of(const union addr *ip)
{
	struct ipcache_key key = { .prefixlen = 32 + 32, .family = FAMILY_IPV4, .ip = *ip };
	return key;
}

static __always_inline struct ipcache_info *lookup_ipcache(const union addr *ip)
{
	struct ipcache_key key = ipcache_key_of(ip);
	return bpf_map_lookup_elem(&plx_ipcache, &key);
}

/*
 * The node to tunnel a packet for `ip` to: the one its ipcache entry names, else, when the ipcache has nothing more
 * specific than the world for it, the node whose pod block holds it (plx_tunnel); 0 for neither.
 */
static __always_inline __u32 tunnel_endpoint_of(const union addr *ip, const struct ipcache_info *info)
{
	if (info && (info->tunnel_endpoint || !identity_is_world(info->identity)))
		return info->tunnel_endpoint;
	struct ipcache_key key = ipcache_key_of(ip);
	struct ipcache_info *block = bpf_map_lookup_elem(&plx_tunnel, &key);
	return block ? block->tunnel_endpoint : 0;
}

/* Sends a packet on towards the network: FIB lookup, MACs from the neighbour table, redirect to the egress device. */
static __always_inline int fib_redirect(struct __sk_buff *skb, const struct packet *pkt, int *reason)
{
	struct bpf_fib_lookup fib = {
		.family = AF_INET,
		.l4_protocol = pkt->proto,
		.sport = pkt->sport,
		.dport = pkt->dport,
		.tot_len = skb->len - ETH_HLEN,
		.ifindex = skb->ifindex,
		.ipv4_src = pkt->saddr.v4,
		.ipv4_dst = pkt->daddr.v4,
	};
	long rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		if (set_macs(skb, fib.dmac, fib.smac)) {
			*reason = DROP_WRITE_ERROR;
			return TC_ACT_SHOT;
		}
		return bpf_redirect(fib.ifindex, 0);
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return bpf_redirect_neigh(fib.ifindex, 0, 0, 0);
	*reason = DROP_FIB_LOOKUP_FAILED;
	return TC_ACT_SHOT;
}
