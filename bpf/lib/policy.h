/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Policy enforcement for the first packet of a connection (docs/policy.md, "Lookup order"; PolicyEvaluator.Decide is
 * the reference). Two longest-prefix lookups, for the peer's identity and for the wildcard identity 0: a deny from
 * either wins (181), then an allow from either, then the direction's default (133 when enforced). Established
 * connections and replies never get here: conntrack lets them pass (stateful), also after a deny is installed.
 */
#pragma once
#include "events.h"

struct policy_verdict {
	__u32 rule_id;     /* entry that decided, 0 for the default */
	__u8 reason;       /* drop reason (0: allowed); with audit set the packet passes anyway */
	__u8 audit;        /* the endpoint is in audit mode and `reason` would have dropped it */
};

static __always_inline struct policy_entry *policy_lookup(__u16 endpoint_id, __u8 dir, __u32 identity, __u8 proto, __u16 dport)
{
	struct policy_key key = {
		.prefixlen = POLICY_PREFIX_FULL,
		.identity = identity,
		.endpoint_id = endpoint_id,
		.direction = dir,
		.protocol = proto,
		.dport = dport,
	};
	return bpf_map_lookup_elem(&plx_policy, &key);
}

/*
 * Decides a new connection of endpoint `endpoint_id` in direction `dir` with `peer_id` on the other side. Returns 0
 * when the packet may pass (allowed, not enforced, or audited; *out says which), else the drop reason.
 */
static __always_inline int policy_check(__u16 endpoint_id, __u8 dir, __u32 peer_id, const struct packet *pkt,
					struct policy_verdict *out)
{
	__u32 ep = endpoint_id;
	out->rule_id = 0;
	out->reason = 0;
	out->audit = 0;
	struct policy_state *state = bpf_map_lookup_elem(&plx_policy_state, &ep);
	if (!state)
		return 0;
	__u8 flags = dir == DIR_INGRESS ? state->ingress : state->egress;
	if (!(flags & (POLICY_F_ENFORCED | POLICY_F_ENTRIES)))
		return 0;

	/* ICMP entries carry the type where TCP/UDP carry the destination port. */
	__u16 dport = pkt->proto == IPPROTO_ICMP ? bpf_htons(pkt->icmp_type) : pkt->dport;
	__u8 reason = 0;
	if (flags & POLICY_F_ENTRIES) {
		struct policy_entry *exact = peer_id ? policy_lookup(endpoint_id, dir, peer_id, pkt->proto, dport) : 0;
		struct policy_entry *any = policy_lookup(endpoint_id, dir, ID_UNKNOWN, pkt->proto, dport);
		if (exact && exact->verdict == POLICY_DENY) {
			reason = DROP_POLICY_DENY;
			out->rule_id = exact->rule_id;
		} else if (any && any->verdict == POLICY_DENY) {
			reason = DROP_POLICY_DENY;
			out->rule_id = any->rule_id;
		} else if (exact || any) {
			out->rule_id = exact ? exact->rule_id : any->rule_id;
			return 0;
		} else if (flags & POLICY_F_ENFORCED) {
			reason = DROP_POLICY;
		}
	} else {
		reason = DROP_POLICY;
	}
	if (!reason)
		return 0;
	out->reason = reason;
	if (flags & POLICY_F_AUDIT) {
		out->audit = 1;
		return 0;
	}
	return reason;
}

/* Reports a policy drop with the deciding rule; returns TC_ACT_SHOT. */
static __always_inline int policy_drop(struct __sk_buff *skb, const struct packet *pkt, const struct policy_verdict *v,
				       __u8 obs, __u8 dir, __u32 src_id, __u32 dst_id)
{
	count(v->reason, dir, skb->len);
	emit_verdict(skb, pkt, EVENT_DROP, v->reason, obs, dir, src_id, dst_id, 0, 0, v->rule_id, 0);
	return TC_ACT_SHOT;
}

/* Folds a second verdict (ingress after egress) into the first: the audited one, else the rule that decided last. */
static __always_inline void policy_merge(struct policy_verdict *into, const struct policy_verdict *next)
{
	if (next->audit) {
		if (!into->audit)
			*into = *next;
	} else if (!into->audit && next->rule_id) {
		into->rule_id = next->rule_id;
	}
}
