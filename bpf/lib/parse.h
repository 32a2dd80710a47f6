/* SPDX-License-Identifier: Apache-2.0 */
/* Packet parsing with bounds checks: never reads past data_end; malformed input becomes a drop reason. */
#pragma once
#include "maps.h"

struct packet {
	__u32 l3_off;
	__u32 l4_off;
	__u32 len;
	union addr saddr;
	union addr daddr;
	__u16 sport;       /* network order; ICMP echo request: id */
	__u16 dport;       /* network order; ICMP echo reply: id */
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 ttl;
	__u8 icmp_type;
	__u8 has_l4;       /* ports / ICMP header present (not a later fragment) */
	__u16 eth_proto;   /* network order */
};

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10

/* Makes the first `len` bytes directly readable; false when the packet is shorter. */
static __always_inline int ensure_linear(struct __sk_buff *skb, __u32 len)
{
	if ((void *)(long)skb->data + len <= (void *)(long)skb->data_end)
		return 1;
	if (skb->len < len)
		return 0;
	if (bpf_skb_pull_data(skb, len) < 0)
		return 0;
	return (void *)(long)skb->data + len <= (void *)(long)skb->data_end;
}

/*
 * Parses Ethernet + IPv4 + TCP/UDP/ICMP. Returns 0, or a drop reason. Non-IPv4 Ethernet types are reported with
 * pkt->family = 0 and return 0: the caller decides (ARP passes).
 */
static __always_inline int parse_packet(struct __sk_buff *skb, struct packet *pkt)
{
	__builtin_memset(pkt, 0, sizeof(*pkt));
	pkt->len = skb->len;
	if (!ensure_linear(skb, ETH_HLEN))
		return DROP_INVALID;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return DROP_INVALID;
	pkt->eth_proto = eth->h_proto;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;

	if (!ensure_linear(skb, ETH_HLEN + sizeof(struct iphdr)))
		return DROP_INVALID;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	struct iphdr *ip4 = data + ETH_HLEN;
	if ((void *)(ip4 + 1) > data_end)
		return DROP_INVALID;
	if (ip4->version != 4 || ip4->ihl < 5)
		return DROP_INVALID;
	__u32 ihl = ip4->ihl * 4;
	if (bpf_ntohs(ip4->tot_len) < ihl || ETH_HLEN + bpf_ntohs(ip4->tot_len) > skb->len)
		return DROP_INVALID;

	pkt->family = FAMILY_IPV4;
	pkt->l3_off = ETH_HLEN;
	pkt->l4_off = ETH_HLEN + ihl;
	pkt->saddr.v4 = ip4->saddr;
	pkt->daddr.v4 = ip4->daddr;
	pkt->proto = ip4->protocol;
	pkt->ttl = ip4->ttl;
	/* A later fragment carries no L4 header: it has no ports. */
	if (ip4->frag_off & bpf_htons(0x1fff))
		return 0;

	__u32 l4_need = 0;
	switch (pkt->proto) {
	case IPPROTO_TCP:
		l4_need = sizeof(struct tcphdr);
		break;
	case IPPROTO_UDP:
		l4_need = sizeof(struct udphdr);
		break;
	case IPPROTO_ICMP:
		l4_need = sizeof(struct icmphdr);
		break;
	default:
		return 0;
	}
	if (ihl > 60 || !ensure_linear(skb, ETH_HLEN + ihl + l4_need))
		return DROP_CT_INVALID_HDR;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	void *l4 = data + ETH_HLEN + ihl;
	if (pkt->proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;
		if ((void *)(tcp + 1) > data_end)
			return DROP_CT_INVALID_HDR;
		pkt->sport = tcp->source;
		pkt->dport = tcp->dest;
		pkt->tcp_flags = ((__u8 *)tcp)[13];
	} else if (pkt->proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;
		if ((void *)(udp + 1) > data_end)
			return DROP_CT_INVALID_HDR;
		pkt->sport = udp->source;
		pkt->dport = udp->dest;
	} else {
		struct icmphdr *icmp = l4;
		if ((void *)(icmp + 1) > data_end)
			return DROP_CT_INVALID_HDR;
		pkt->icmp_type = icmp->type;
		/* Echo request and reply are one flow keyed by the id, on opposite sides of the tuple. */
		if (icmp->type == ICMP_ECHO)
			pkt->sport = icmp->un.echo.id;
		else if (icmp->type == ICMP_ECHOREPLY)
			pkt->dport = icmp->un.echo.id;
	}
	pkt->has_l4 = 1;
	return 0;
}

/* Offset of the L4 checksum field, or 0 when the protocol has none we rewrite. */
static __always_inline __u32 l4_csum_off(const struct packet *pkt)
{
	switch (pkt->proto) {
	case IPPROTO_TCP:
		return pkt->l4_off + offsetof(struct tcphdr, check);
	case IPPROTO_UDP:
		return pkt->l4_off + offsetof(struct udphdr, check);
	case IPPROTO_ICMP:
		return pkt->l4_off + offsetof(struct icmphdr, checksum);
	}
	return 0;
}
