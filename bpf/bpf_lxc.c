/* SPDX-License-Identifier: Apache-2.0 */
/*
 * from-endpoint: tc ingress of the host-side veth of every endpoint (packets leaving a pod).
 * Validates the sender, translates replies of service connections back to their frontend and packets to a service
 * frontend to a backend (lib/lb.h), tracks the connection, then routes: into a local endpoint, into the VXLAN tunnel
 * with the source identity as VNI, up the node's stack (node addresses), or out to the world masqueraded as the node.
 */
#include "lib/lb.h"
#include "lib/policy.h"

static __always_inline int forward_error(struct __sk_buff *skb, const struct packet *pkt, int reason, __u32 src_id, __u32 dst_id)
{
	return drop(skb, pkt, reason, TRACE_FROM_ENDPOINT, DIR_EGRESS, src_id, dst_id);
}

SEC("tc")
int plx_from_endpoint(struct __sk_buff *skb)
{
	struct packet pkt;
	int reason = parse_packet(skb, &pkt);
	if (reason)
		return forward_error(skb, &pkt, reason, ID_UNKNOWN, ID_UNKNOWN);
	if (pkt.family == 0) {
		if (pkt.eth_proto == bpf_htons(ETH_P_ARP))
			return TC_ACT_OK;
		return forward_error(skb, &pkt, DROP_UNSUPPORTED_L3, ID_UNKNOWN, ID_UNKNOWN);
	}

	/* Only the address Plexus gave this endpoint may send from it. */
	struct endpoint_info *src = lookup_endpoint(&pkt.saddr);
	if (!src || src->ifindex != skb->ifindex)
		return forward_error(skb, &pkt, DROP_INVALID_SIP, ID_UNKNOWN, ID_UNKNOWN);
	__u32 src_id = src->identity;

	/* One conntrack lookup first: most packets belong to a known connection and need nothing else from it. */
	struct ct_service_info found = {};
	int ct = ct_lookup(&pkt, &found);

	/* A backend answering a service connection: the source becomes the frontend again (and hairpin is undone). */
	int rev = lb_is_service_reply(ct, &found);
	if (rev) {
		reason = lb_reverse_nat(skb, &pkt, &found);
		if (reason)
			return forward_error(skb, &pkt, reason, src_id, ID_UNKNOWN);
	}

	/* Only a packet of no known connection can be addressed to a frontend (translated ones are tracked translated). */
	struct ct_service_info svc_ct = {};
	struct lb_service *svc = ct == CT_NEW ? lb_lookup_service(&pkt, 0) : 0;
	if (svc) {
		struct lb_selection sel = {};
		reason = lb_select(&pkt, svc, src_id, &sel);
		if (reason == LB_REFUSE) {
			if (lb_refuse(skb, &pkt, TRACE_FROM_ENDPOINT, DIR_EGRESS, src_id))
				return redirect_to_endpoint(skb, src);
			return TC_ACT_SHOT;
		}
		if (!reason)
			reason = lb_dnat(skb, &pkt, &sel);
		if (reason)
			return forward_error(skb, &pkt, reason, src_id, ID_UNKNOWN);
		svc_ct = sel.ct;
		/* The translated tuple is the connection's own entry: established unless this opens it. */
		ct = ct_lookup(&pkt, &found);
	}

	struct endpoint_info *dst = lookup_endpoint(&pkt.daddr);
	struct ipcache_info *remote = 0;
	__u32 dst_id;
	if (dst) {
		dst_id = dst->identity;
	} else {
		remote = lookup_ipcache(&pkt.daddr);
		dst_id = remote ? remote->identity : ID_WORLD;
	}

	__u8 obs;
	__u32 tunnel = dst ? 0 : tunnel_endpoint_of(&pkt.daddr, remote);
	if (dst)
		obs = TRACE_TO_ENDPOINT;
	else if (tunnel)
		obs = TRACE_TO_OVERLAY;
	else if (remote && !identity_is_world(remote->identity))
		obs = TRACE_TO_STACK; /* node addresses; CIDR identities of the world are routed as the world */
	else
		obs = TRACE_TO_NETWORK;
	/*
	 * Routed paths act as a router: a packet that would expire is dropped before it opens a connection. Across the
	 * tunnel the receiving node decrements (from-overlay), as Cilium does: one hop per node pair, and the sender
	 * leaves the segment unwritten.
	 */
	if (obs != TRACE_TO_STACK && obs != TRACE_TO_OVERLAY) {
		reason = ttl_dec(skb, &pkt);
		if (reason)
			return forward_error(skb, &pkt, reason, src_id, dst_id);
	}

	if (ct == CT_NEW) {
		/* Policy decides only what opens a connection: the source's egress (after service translation), then the
		 * ingress of a local destination. Everything later in the connection passes through conntrack. */
		struct policy_verdict pv = {};
		reason = policy_check(src->endpoint_id, DIR_EGRESS, dst_id, &pkt, &pv);
		if (reason)
			return policy_drop(skb, &pkt, &pv, TRACE_FROM_ENDPOINT, DIR_EGRESS, src_id, dst_id);
		if (dst) {
			struct policy_verdict in = {};
			reason = policy_check(dst->endpoint_id, DIR_INGRESS, src_id, &pkt, &in);
			if (reason)
				return policy_drop(skb, &pkt, &in, TRACE_TO_ENDPOINT, DIR_INGRESS, src_id, dst_id);
			policy_merge(&pv, &in);
		}
		if (!ct_create(&pkt, src_id, &svc_ct))
			return forward_error(skb, &pkt, DROP_CT_MAP_INSERTION_FAILED, src_id, dst_id);
		if (CONFIG_TRACE_NEW_FLOWS || pv.audit)
			emit_service_verdict(skb, &pkt, EVENT_TRACE, pv.audit ? pv.reason : 0, obs, DIR_EGRESS, src_id, dst_id, 0,
					     tunnel, pv.rule_id, pv.audit ? VERDICT_AUDIT : 0, svc_ct.rev_nat);
	}

	if (obs == TRACE_TO_STACK) {
		count(0, DIR_EGRESS, skb->len);
		return TC_ACT_OK;
	}

	if (obs == TRACE_TO_ENDPOINT) {
		count(0, DIR_EGRESS, skb->len);
		return redirect_to_endpoint(skb, dst);
	}

	if (obs == TRACE_TO_OVERLAY) {
		struct bpf_tunnel_key key = {
			.tunnel_id = src_id,
			.remote_ipv4 = bpf_ntohl(tunnel),
			.tunnel_ttl = DEFAULT_TTL,
		};
		if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), BPF_F_ZERO_CSUM_TX) < 0)
			return forward_error(skb, &pkt, DROP_WRITE_ERROR, src_id, dst_id);
		count(0, DIR_EGRESS, skb->len);
		return bpf_redirect(CONFIG_OVERLAY_IFINDEX, 0);
	}

	/* The world: leave with the node's address; a reply of a node port connection already has it. */
	if (!rev) {
		reason = snat_v4(skb, &pkt);
		if (reason)
			return forward_error(skb, &pkt, reason, src_id, dst_id);
	}
	int verdict = fib_redirect(skb, &pkt, &reason);
	if (verdict == TC_ACT_SHOT)
		return forward_error(skb, &pkt, reason, src_id, dst_id);
	count(0, DIR_EGRESS, skb->len);
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
