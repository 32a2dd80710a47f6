/* SPDX-License-Identifier: Apache-2.0 */
/*
 * from-network: tc ingress of the node's underlay device. Replies to masqueraded flows are translated back and
 * delivered into their endpoint; everything else (the node's own traffic, VXLAN) continues up the stack untouched.
 */
#include "lib/nat.h"

SEC("tc")
int plx_from_network(struct __sk_buff *skb)
{
	struct packet pkt;
	/* Malformed or foreign traffic is the node's business, not the datapath's. */
	if (parse_packet(skb, &pkt) || pkt.family != FAMILY_IPV4 || !pkt.has_l4)
		return TC_ACT_OK;
	if (pkt.daddr.v4 != CONFIG_NODE_IP)
		return TC_ACT_OK;
	/* Masqueraded flows use source ports from the NAT range only: nothing else (VXLAN, the node's own traffic) can be a reply. */
	if ((pkt.proto == IPPROTO_TCP || pkt.proto == IPPROTO_UDP) && bpf_ntohs(pkt.dport) < CONFIG_NAT_PORT_MIN)
		return TC_ACT_OK;

	int reason = 0;
	if (!rnat_v4(skb, &pkt, &reason))
		return TC_ACT_OK;
	if (reason)
		return drop(skb, &pkt, reason, TRACE_FROM_NETWORK, DIR_INGRESS, ID_WORLD, ID_UNKNOWN);

	struct endpoint_info *dst = lookup_endpoint(&pkt.daddr);
	if (!dst)
		return drop(skb, &pkt, DROP_NO_LOCAL_ENDPOINT, TRACE_FROM_NETWORK, DIR_INGRESS, ID_WORLD, ID_UNKNOWN);

	int created = 1;
	ct_lookup_create(&pkt, ID_WORLD, &created);
	reason = ttl_dec(skb, &pkt);
	if (reason)
		return drop(skb, &pkt, reason, TRACE_FROM_NETWORK, DIR_INGRESS, ID_WORLD, dst->identity);
	count(0, DIR_INGRESS, skb->len);
	return redirect_to_endpoint(skb, dst);
}

char LICENSE[] SEC("license") = "GPL";
