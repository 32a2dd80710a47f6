/* SPDX-License-Identifier: Apache-2.0 */
/*
 * from-overlay: tc ingress of the VXLAN device. The VNI carries the sender's identity; packets for local endpoints
 * go straight into their namespace. Replies of service connections whose client is on this node and whose backend
 * is on the sending node are translated back to the frontend here (this node's conntrack knows the connection).
 * to-overlay: tc egress of the VXLAN device, for packets the node's own stack routes into the tunnel (node to
 * remote pod): sets the tunnel key from the ipcache. Packets redirected by from-endpoint already carry one.
 */
#include "lib/lb.h"
#include "lib/policy.h"

SEC("tc")
int plx_from_overlay(struct __sk_buff *skb)
{
	struct packet pkt;
	int reason = parse_packet(skb, &pkt);
	if (reason)
		return drop(skb, &pkt, reason, TRACE_FROM_OVERLAY, DIR_INGRESS, ID_UNKNOWN, ID_UNKNOWN);
	if (pkt.family == 0)
		return drop(skb, &pkt, DROP_UNSUPPORTED_L3, TRACE_FROM_OVERLAY, DIR_INGRESS, ID_UNKNOWN, ID_UNKNOWN);

	/* A backend's reply to a client of this node: back to the frontend first (the identity checks follow). */
	struct ct_service_info found = {};
	int ct = ct_lookup(&pkt, &found);
	if (lb_is_service_reply(ct, &found)) {
		reason = lb_reverse_nat(skb, &pkt, &found);
		if (reason)
			return drop(skb, &pkt, reason, TRACE_FROM_OVERLAY, DIR_INGRESS, ID_UNKNOWN, ID_UNKNOWN);
	}

	struct bpf_tunnel_key key = {};
	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0) < 0)
		return drop(skb, &pkt, DROP_NO_TUNNEL_KEY, TRACE_FROM_OVERLAY, DIR_INGRESS, ID_UNKNOWN, ID_UNKNOWN);
	__u32 src_id = key.tunnel_id;
	/* A node's own traffic arrives as "host" of that node: here it is a remote node. */
	if (src_id == ID_HOST)
		src_id = ID_REMOTE_NODE;
	if (src_id == ID_UNKNOWN)
		return drop(skb, &pkt, DROP_INVALID_IDENTITY, TRACE_FROM_OVERLAY, DIR_INGRESS, ID_UNKNOWN, ID_UNKNOWN);

	struct endpoint_info *dst = lookup_endpoint(&pkt.daddr);
	if (!dst) {
		if (pkt.daddr.v4 == CONFIG_NODE_IP) {
			count(0, DIR_INGRESS, skb->len);
			return TC_ACT_OK;
		}
		return drop(skb, &pkt, DROP_NO_LOCAL_ENDPOINT, TRACE_FROM_OVERLAY, DIR_INGRESS, src_id, ID_UNKNOWN);
	}

	reason = ttl_dec(skb, &pkt);
	if (reason)
		return drop(skb, &pkt, reason, TRACE_FROM_OVERLAY, DIR_INGRESS, src_id, dst->identity);

	if (ct == CT_NEW) {
		/* The destination's ingress policy, against the identity the sender put in the VNI. */
		struct policy_verdict pv = {};
		reason = policy_check(dst->endpoint_id, DIR_INGRESS, src_id, &pkt, &pv);
		if (reason)
			return policy_drop(skb, &pkt, &pv, TRACE_FROM_OVERLAY, DIR_INGRESS, src_id, dst->identity);
		struct ct_service_info none = {};
		if (!ct_create(&pkt, src_id, &none))
			return drop(skb, &pkt, DROP_CT_MAP_INSERTION_FAILED, TRACE_FROM_OVERLAY, DIR_INGRESS, src_id, dst->identity);
		if (CONFIG_TRACE_NEW_FLOWS || pv.audit)
			emit_verdict(skb, &pkt, EVENT_TRACE, pv.audit ? pv.reason : 0, TRACE_FROM_OVERLAY, DIR_INGRESS, src_id,
				     dst->identity, 0, bpf_htonl(key.remote_ipv4), pv.rule_id, pv.audit ? VERDICT_AUDIT : 0);
	}
	count(0, DIR_INGRESS, skb->len);
	return redirect_to_endpoint(skb, dst);
}

SEC("tc")
int plx_to_overlay(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {};
	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0) == 0)
		return TC_ACT_OK;

	struct packet pkt;
	int reason = parse_packet(skb, &pkt);
	if (reason)
		return drop(skb, &pkt, reason, TRACE_TO_OVERLAY, DIR_EGRESS, ID_HOST, ID_UNKNOWN);
	if (pkt.family == 0)
		return TC_ACT_SHOT; /* nothing but IPv4 is routed into the tunnel */

	struct ipcache_info *remote = lookup_ipcache(&pkt.daddr);
	__u32 dst_id = remote ? remote->identity : ID_WORLD;
	__u32 tunnel = tunnel_endpoint_of(&pkt.daddr, remote);
	if (!tunnel)
		return drop(skb, &pkt, DROP_NO_TUNNEL_ENDPOINT, TRACE_TO_OVERLAY, DIR_EGRESS, ID_HOST, dst_id);

	struct bpf_tunnel_key out = {
		.tunnel_id = ID_HOST,
		.remote_ipv4 = bpf_ntohl(tunnel),
		.tunnel_ttl = DEFAULT_TTL,
	};
	if (bpf_skb_set_tunnel_key(skb, &out, sizeof(out), BPF_F_ZERO_CSUM_TX) < 0)
		return drop(skb, &pkt, DROP_WRITE_ERROR, TRACE_TO_OVERLAY, DIR_EGRESS, ID_HOST, dst_id);
	count(0, DIR_EGRESS, skb->len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
