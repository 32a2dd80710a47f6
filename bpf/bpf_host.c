/* SPDX-License-Identifier: Apache-2.0 */
/*
 * from-network: tc ingress of the node's underlay device. Replies to masqueraded flows are translated back and
 * delivered into their endpoint. Packets from outside the cluster to a node port (on this node's address) or a
 * LoadBalancer/external address are translated to a backend: a local backend gets them once its ingress policy let
 * the connection open; for a backend on another node the source becomes this node (SNAT mode, lib/nat.h) and they go
 * through the tunnel with the client's identity, so the reply comes back here to be translated back. Everything else
 * (the node's own traffic, VXLAN) continues up the stack.
 */
#include "lib/lb.h"
#include "lib/policy.h"

static __always_inline int from_network_drop(struct __sk_buff *skb, const struct packet *pkt, int reason, __u32 src_id,
					     __u32 dst_id)
{
	return drop(skb, pkt, reason, TRACE_FROM_NETWORK, DIR_INGRESS, src_id, dst_id);
}

/*
 * Who sent a packet that arrived from the network: the ipcache's identity for its source (a CIDR identity a policy
 * named, a node, a pod routed by another node), else the world.
 */
static __always_inline __u32 network_source_identity(const struct packet *pkt)
{
	struct ipcache_info *peer = lookup_ipcache(&pkt->saddr);
	return peer && peer->identity ? peer->identity : ID_WORLD;
}

/*
 * A packet from outside to a service frontend: DNAT to its backend. A local backend gets it after its ingress policy
 * passed (first packet of a connection); for a backend on another node the source becomes this node (SNAT) and it
 * goes through the tunnel with the client's identity as VNI (world for node-local ones), so the backend's node
 * checks its ingress policy against the client, not against this node.
 */
static __always_inline int to_service(struct __sk_buff *skb, struct packet *pkt, const struct lb_service *svc)
{
	__u32 src_id = network_source_identity(pkt);
	struct lb_selection sel = {};
	int reason = lb_select(pkt, svc, src_id, &sel);
	if (reason == LB_REFUSE) {
		if (lb_refuse(skb, pkt, TRACE_FROM_NETWORK, DIR_INGRESS, src_id))
			return bpf_redirect(skb->ifindex, 0);
		return TC_ACT_SHOT;
	}
	if (!reason)
		reason = lb_dnat(skb, pkt, &sel);
	if (reason)
		return from_network_drop(skb, pkt, reason, src_id, ID_UNKNOWN);

	struct endpoint_info *dst = lookup_endpoint(&pkt->daddr);
	struct ipcache_info *remote = dst ? 0 : lookup_ipcache(&pkt->daddr);
	__u32 tunnel = dst ? 0 : tunnel_endpoint_of(&pkt->daddr, remote);
	if (!dst && !tunnel)
		return from_network_drop(skb, pkt, DROP_NO_TUNNEL_ENDPOINT, src_id, remote ? remote->identity : ID_UNKNOWN);
	__u32 dst_id = dst ? dst->identity : remote ? remote->identity : ID_WORLD;

	struct ct_service_info found = {};
	int ct = ct_lookup(pkt, &found);
	reason = ttl_dec(skb, pkt);
	if (reason)
		return from_network_drop(skb, pkt, reason, src_id, dst_id);
	if (ct == CT_NEW) {
		/* A local backend's ingress policy decides what opens a connection, as for traffic from a pod. */
		struct policy_verdict pv = {};
		if (dst) {
			reason = policy_check(dst->endpoint_id, DIR_INGRESS, src_id, pkt, &pv);
			if (reason)
				return policy_drop(skb, pkt, &pv, TRACE_FROM_NETWORK, DIR_INGRESS, src_id, dst_id);
		}
		/* Keyed by the client's tuple to the backend: the reply, reverse-translated by SNAT, finds it here. */
		if (!ct_create(pkt, src_id, &sel.ct))
			return from_network_drop(skb, pkt, DROP_CT_MAP_INSERTION_FAILED, src_id, dst_id);
		if (CONFIG_TRACE_NEW_FLOWS || pv.audit)
			emit_verdict(skb, pkt, EVENT_TRACE, pv.audit ? pv.reason : 0, dst ? TRACE_TO_ENDPOINT : TRACE_TO_OVERLAY,
				     DIR_INGRESS, src_id, dst_id, 0, tunnel, pv.rule_id, pv.audit ? VERDICT_AUDIT : 0);
	}
	if (dst) {
		count(0, DIR_INGRESS, skb->len);
		return redirect_to_endpoint(skb, dst);
	}

	reason = snat_v4(skb, pkt);
	if (reason)
		return from_network_drop(skb, pkt, reason, src_id, dst_id);
	struct bpf_tunnel_key key = {
		.tunnel_id = identity_is_world(src_id) ? ID_WORLD : src_id,
		.remote_ipv4 = bpf_ntohl(tunnel),
		.tunnel_ttl = DEFAULT_TTL,
	};
	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), BPF_F_ZERO_CSUM_TX) < 0)
		return from_network_drop(skb, pkt, DROP_WRITE_ERROR, src_id, dst_id);
	count(0, DIR_INGRESS, skb->len);
	return bpf_redirect(CONFIG_OVERLAY_IFINDEX, 0);
}

/* Masqueraded flows use source ports from the NAT range only: a TCP/UDP packet to another port is no reply of theirs. */
static __always_inline int may_be_nat_reply(const struct packet *pkt)
{
	if (pkt->proto != IPPROTO_TCP && pkt->proto != IPPROTO_UDP)
		return 1;
	return bpf_ntohs(pkt->dport) >= CONFIG_NAT_PORT_MIN;
}

SEC("tc")
int plx_from_network(struct __sk_buff *skb)
{
	struct packet pkt;
	/* Malformed or foreign traffic is the node's business, not the datapath's. */
	if (parse_packet(skb, &pkt) || pkt.family != FAMILY_IPV4 || !pkt.has_l4)
		return TC_ACT_OK;
	/* VXLAN between nodes is most of what arrives here; it is the overlay's, never a service nor a masqueraded reply. */
	if (pkt.proto == IPPROTO_UDP && pkt.dport == bpf_htons(VXLAN_PORT))
		return TC_ACT_OK;

	int reason = 0;
	if (pkt.daddr.v4 == CONFIG_NODE_IP && may_be_nat_reply(&pkt) && rnat_v4(skb, &pkt, &reason)) {
		if (reason)
			return from_network_drop(skb, &pkt, reason, ID_WORLD, ID_UNKNOWN);

		/* The reply of a node port connection served on another node: from the frontend, back out to the client. */
		if (lb_reverse(skb, &pkt, &reason)) {
			if (reason)
				return from_network_drop(skb, &pkt, reason, ID_WORLD, ID_UNKNOWN);
			reason = ttl_dec(skb, &pkt);
			if (reason)
				return from_network_drop(skb, &pkt, reason, ID_WORLD, ID_WORLD);
			int verdict = fib_redirect(skb, &pkt, &reason);
			if (verdict == TC_ACT_SHOT)
				return from_network_drop(skb, &pkt, reason, ID_WORLD, ID_WORLD);
			count(0, DIR_INGRESS, skb->len);
			return verdict;
		}

		struct endpoint_info *dst = lookup_endpoint(&pkt.daddr);
		if (!dst)
			return from_network_drop(skb, &pkt, DROP_NO_LOCAL_ENDPOINT, ID_WORLD, ID_UNKNOWN);

		int created = 1;
		ct_lookup_create(&pkt, ID_WORLD, &created);
		reason = ttl_dec(skb, &pkt);
		if (reason)
			return from_network_drop(skb, &pkt, reason, ID_WORLD, dst->identity);
		count(0, DIR_INGRESS, skb->len);
		return redirect_to_endpoint(skb, dst);
	}

	struct lb_service *svc = lb_lookup_service(&pkt, 1);
	if (!svc)
		return TC_ACT_OK;
	return to_service(skb, &pkt, svc);
}

char LICENSE[] SEC("license") = "GPL";
