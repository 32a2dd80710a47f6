// A program the verifier must reject (packet read without a bounds check), so tests can check that the
// verifier log reaches BpfException.LibbpfLog.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int plx_unchecked(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data;

	return data[20] == 6 ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
