// Test program for the libbpf interop layer (Plexus.Interop.Tests/Bpf*). Not part of the datapath:
// it exercises .rodata configuration, hash/per-CPU/LPM/LRU maps, a ring buffer and tc verdicts.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

// Mirrored by TestConfig in BpfTestLayouts.cs.
struct plx_test_config {
	__u32 magic;     // echoed in every ring buffer record
	__u16 drop_port; // UDP destination port answered with TC_ACT_SHOT
	__u8 count;      // 0 disables proto_counts updates
	__u8 pad;
};

const volatile struct plx_test_config cfg = { .magic = 0, .drop_port = 9, .count = 1 };
const volatile __u32 mark_bias = 0; // added to skb->mark, so tests can see a scalar constant through ctx_out

// Mirrored by ProtoKey.
struct proto_key {
	__u16 eth_proto; // host order
	__u8 ip_proto;
	__u8 pad;
};

// Mirrored by FlowKey.
struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

// Mirrored by FlowStats.
struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

// Mirrored by LpmV4Key.
struct lpm_v4_key {
	__u32 prefixlen;
	__u32 addr; // network order
};

// Mirrored by PacketEvent.
struct packet_event {
	__u32 magic;
	__u32 len;
	__u32 ifindex;
	__u16 eth_proto;
	__u8 ip_proto;
	__u8 verdict;
	__u16 dport;
	__u16 pad;
};

enum {
	VERDICT_TOTAL = 0,
	VERDICT_PASSED = 1,
	VERDICT_DROPPED = 2,
	VERDICT_MALFORMED = 3,
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct proto_key);
	__type(value, __u64);
} proto_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} verdict_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} cidr_marks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

// Pinned by name under the object's pin root, to test LIBBPF_PIN_BY_NAME reuse across reloads.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u64);
} pinned_state SEC(".maps");

// Per-CPU hash with a 12-byte value (stride 16), for per-CPU batch tests; unused by the program.
struct pcpu_value {
	__u32 a;
	__u32 b;
	__u32 c;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, struct pcpu_value);
} pcpu_scratch SEC(".maps");

static __always_inline void bump_verdict(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&verdict_counts, &slot);
	if (v)
		*v += 1;
}

static __always_inline void count_proto(__u16 eth_proto, __u8 ip_proto)
{
	struct proto_key key = { .eth_proto = eth_proto, .ip_proto = ip_proto };
	__u64 one = 1, *v;

	if (!cfg.count)
		return;
	v = bpf_map_lookup_elem(&proto_counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&proto_counts, &key, &one, BPF_NOEXIST);
}

// Not inlined, so struct packet_event appears in the object's BTF (the layout test reads it from there).
static __noinline void fill_event(struct packet_event *ev, struct __sk_buff *skb)
{
	ev->magic = cfg.magic;
	ev->len = skb->len;
	ev->ifindex = skb->ifindex;
	ev->pad = 0;
}

SEC("tc")
int plx_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct packet_event *ev;
	__u32 mark = skb->mark + mark_bias;
	__u16 eth_proto = 0, dport = 0;
	__u8 ip_proto = 0;
	int verdict = TC_ACT_OK;

	bump_verdict(VERDICT_TOTAL);
	if ((void *)(eth + 1) > data_end) {
		bump_verdict(VERDICT_MALFORMED);
		goto out;
	}
	eth_proto = bpf_ntohs(eth->h_proto);
	if (eth_proto == ETH_P_IP) {
		struct iphdr *ip = (void *)(eth + 1);
		struct lpm_v4_key lpm = { .prefixlen = 32 };
		struct flow_key fk = {};
		struct flow_stats *fs, init = { .packets = 1, .bytes = skb->len };
		__u32 *cidr_mark;
		void *l4;

		if ((void *)(ip + 1) > data_end || ip->ihl < 5) {
			bump_verdict(VERDICT_MALFORMED);
			goto out;
		}
		ip_proto = ip->protocol;
		lpm.addr = ip->daddr;
		cidr_mark = bpf_map_lookup_elem(&cidr_marks, &lpm);
		if (cidr_mark)
			mark += *cidr_mark;

		fk.saddr = ip->saddr;
		fk.daddr = ip->daddr;
		fk.proto = ip_proto;
		l4 = (void *)ip + ip->ihl * 4;
		if (ip_proto == IPPROTO_UDP) {
			struct udphdr *udp = l4;

			if ((void *)(udp + 1) > data_end) {
				bump_verdict(VERDICT_MALFORMED);
				goto counted;
			}
			fk.sport = bpf_ntohs(udp->source);
			fk.dport = dport = bpf_ntohs(udp->dest);
			if (dport == cfg.drop_port)
				verdict = TC_ACT_SHOT;
		} else if (ip_proto == IPPROTO_TCP) {
			struct tcphdr *tcp = l4;

			if ((void *)(tcp + 1) > data_end) {
				bump_verdict(VERDICT_MALFORMED);
				goto counted;
			}
			fk.sport = bpf_ntohs(tcp->source);
			fk.dport = dport = bpf_ntohs(tcp->dest);
		}
		fs = bpf_map_lookup_elem(&flows, &fk);
		if (fs) {
			__sync_fetch_and_add(&fs->packets, 1);
			__sync_fetch_and_add(&fs->bytes, skb->len);
		} else {
			bpf_map_update_elem(&flows, &fk, &init, BPF_ANY);
		}
	}
counted:
	count_proto(eth_proto, ip_proto);
out:
	bump_verdict(verdict == TC_ACT_SHOT ? VERDICT_DROPPED : VERDICT_PASSED);
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (ev) {
		fill_event(ev, skb);
		ev->eth_proto = eth_proto;
		ev->ip_proto = ip_proto;
		ev->verdict = (__u8)verdict;
		ev->dport = dport;
		bpf_ringbuf_submit(ev, 0);
	}
	skb->mark = mark;
	return verdict;
}

// A second classifier, so tc tests can atomically replace one program with another.
SEC("tc")
int plx_pass(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
