/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Masquerade (SNAT to the node address) for traffic from endpoints to the world, and its reverse for replies.
 * Two entries per flow in plx_nat: NAT_EGRESS keyed by the original tuple holds the chosen node port; NAT_INGRESS
 * keyed by the reply tuple (world -> node:port) holds the endpoint address and port.
 */
#pragma once
#include "l3.h"

static __always_inline int snat_supported(const struct packet *pkt)
{
	if (!pkt->has_l4)
		return 0;
	if (pkt->proto == IPPROTO_TCP || pkt->proto == IPPROTO_UDP)
		return 1;
	return pkt->proto == IPPROTO_ICMP && pkt->icmp_type == ICMP_ECHO;
}

/* Rewrites the source to the node address and a node port; returns 0 or a drop reason. */
static __always_inline int snat_v4(struct __sk_buff *skb, struct packet *pkt)
{
	if (!snat_supported(pkt))
		return DROP_NAT_UNSUPPORTED_PROTO;

	struct flow_tuple egress;
	ct_tuple(pkt, &egress, 0);
	egress.scope = NAT_EGRESS;
	__be16 port;
	struct nat_entry *known = bpf_map_lookup_elem(&plx_nat, &egress);
	if (known) {
		port = known->port;
	} else {
		struct flow_tuple ingress = {
			.saddr = pkt->daddr,
			.sport = pkt->dport,
			.proto = pkt->proto,
			.family = pkt->family,
			.scope = NAT_INGRESS,
		};
		ingress.daddr.v4 = CONFIG_NODE_IP;
		struct nat_entry back = { .addr = pkt->saddr, .port = pkt->sport, .created = now_seconds() };
		__u32 range = (__u32)CONFIG_NAT_PORT_MAX - CONFIG_NAT_PORT_MIN + 1;
		__u32 start = bpf_get_prandom_u32();
		int found = 0;
		port = 0;
		for (int i = 0; i < NAT_PORT_TRIES; i++) {
			port = bpf_htons(CONFIG_NAT_PORT_MIN + (start + i) % range);
			ingress.dport = port;
			if (bpf_map_update_elem(&plx_nat, &ingress, &back, BPF_NOEXIST) == 0) {
				found = 1;
				break;
			}
		}
		if (!found)
			return DROP_NAT_NO_MAPPING;
		struct nat_entry fwd = { .port = port, .created = back.created };
		fwd.addr.v4 = CONFIG_NODE_IP;
		if (bpf_map_update_elem(&plx_nat, &egress, &fwd, BPF_ANY) < 0)
			return DROP_NAT_NO_MAPPING;
	}
	int ret = rewrite_addr(skb, pkt, 1, CONFIG_NODE_IP);
	if (ret)
		return ret;
	return rewrite_port(skb, pkt, 1, port);
}

/* For a packet to the node address: if it answers a masqueraded flow, rewrite the destination back. 1 = rewritten. */
static __always_inline int rnat_v4(struct __sk_buff *skb, struct packet *pkt, int *reason)
{
	struct flow_tuple ingress;
	ct_tuple(pkt, &ingress, 0);
	ingress.scope = NAT_INGRESS;
	struct nat_entry *back = bpf_map_lookup_elem(&plx_nat, &ingress);
	if (!back)
		return 0;
	__be32 addr = back->addr.v4;
	__be16 port = back->port;
	*reason = rewrite_addr(skb, pkt, 0, addr);
	if (!*reason)
		*reason = rewrite_port(skb, pkt, 0, port);
	return 1;
}
