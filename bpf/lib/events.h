/* SPDX-License-Identifier: Apache-2.0 */
/* Metrics (per-CPU counters by reason and direction) and flow events (ring buffer). */
#pragma once
#include "parse.h"
#include "config.h"

/* Pending event bytes that wake the ring's reader (about 700 events). */
#define EVENTS_WAKEUP_BYTES (64 * 1024)

static __always_inline void count(__u8 reason, __u8 dir, __u32 bytes)
{
	/* The array index is the key's bytes read as a __u32, so user space can look it up with a metrics_key. */
	union {
		struct metrics_key key;
		__u32 index;
	} at = { .key = { .reason = reason, .dir = dir } };
	struct metrics_value *v = bpf_map_lookup_elem(&plx_metrics, &at.index);
	if (v) {
		v->packets++;
		v->bytes += bytes;
	}
}

/*
 * An event with the policy's part: the rule that decided (0: none) and the verdict when the type does not imply it,
 * and the service the connection was opened through (0: none), so flows can name it after translation.
 */
static __always_inline void emit_service_verdict(struct __sk_buff *skb, const struct packet *pkt, __u8 type, __u8 reason,
						 __u8 obs, __u8 dir, __u32 src_id, __u32 dst_id, __u8 is_reply,
						 __u32 tunnel_endpoint, __u32 rule_id, __u8 verdict, __u16 rev_nat)
{
	struct flow_event ev = {
		.time_ns = bpf_ktime_get_ns(),
		.type = type,
		.reason = reason,
		.obs_point = obs,
		.dir = dir,
		.ifindex = skb->ifindex,
		.src_identity = src_id,
		.dst_identity = dst_id,
		.family = pkt->family,
		.proto = pkt->proto,
		.tcp_flags = pkt->tcp_flags,
		.is_reply = is_reply,
		.tunnel_endpoint = tunnel_endpoint,
		.saddr = pkt->saddr,
		.daddr = pkt->daddr,
		.sport = pkt->sport,
		.dport = pkt->dport,
		.len = pkt->len,
		.rule_id = rule_id,
		.verdict = verdict,
		.icmp_type = pkt->icmp_type,
		.rev_nat = rev_nat,
	};
	/*
	 * Wake the reader only once a batch waits: a wakeup per event costs the agent a context switch per event. The agent
	 * also reads on a short timer (FlowObserver), so a lone event waits at most that long.
	 */
	__u64 wakeup = bpf_ringbuf_query(&plx_events, BPF_RB_AVAIL_DATA) >= EVENTS_WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP
										   : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&plx_events, &ev, sizeof(ev), wakeup) < 0) {
		__u32 zero = 0;
		__u64 *lost = bpf_map_lookup_elem(&plx_events_lost, &zero);
		if (lost)
			(*lost)++;
	}
}

static __always_inline void emit_verdict(struct __sk_buff *skb, const struct packet *pkt, __u8 type, __u8 reason, __u8 obs,
					 __u8 dir, __u32 src_id, __u32 dst_id, __u8 is_reply, __u32 tunnel_endpoint,
					 __u32 rule_id, __u8 verdict)
{
	emit_service_verdict(skb, pkt, type, reason, obs, dir, src_id, dst_id, is_reply, tunnel_endpoint, rule_id, verdict, 0);
}

static __always_inline void emit(struct __sk_buff *skb, const struct packet *pkt, __u8 type, __u8 reason, __u8 obs,
				 __u8 dir, __u32 src_id, __u32 dst_id, __u8 is_reply, __u32 tunnel_endpoint)
{
	emit_verdict(skb, pkt, type, reason, obs, dir, src_id, dst_id, is_reply, tunnel_endpoint, 0, 0);
}

/* Counts and reports a drop; returns TC_ACT_SHOT. */
static __always_inline int drop(struct __sk_buff *skb, const struct packet *pkt, __u8 reason, __u8 obs, __u8 dir,
				__u32 src_id, __u32 dst_id)
{
	count(reason, dir, skb->len);
	emit(skb, pkt, EVENT_DROP, reason, obs, dir, src_id, dst_id, 0, 0);
	return TC_ACT_SHOT;
}
