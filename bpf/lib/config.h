/* SPDX-License-Identifier: Apache-2.0 */
/* Per-node configuration, written into .rodata by the agent before load (the verifier sees constants). */
#pragma once
#include "common.h"

const volatile __u32 CONFIG_NODE_IP = 0;          /* this node's underlay IPv4, network order */
const volatile __u32 CONFIG_NODE_IFINDEX = 0;     /* underlay device (eth0) */
const volatile __u32 CONFIG_OVERLAY_IFINDEX = 0;  /* VXLAN device in external mode */
const volatile __u32 CONFIG_CLUSTER_ID = 0;
const volatile __u32 CONFIG_TRACE_NEW_FLOWS = 1;  /* emit a trace event for every new connection */
const volatile __u16 CONFIG_NAT_PORT_MIN = 61000; /* masquerade source ports, above the kernel's ephemeral range */
const volatile __u16 CONFIG_NAT_PORT_MAX = 65535;
const volatile __u32 CONFIG_MAGLEV_M = 16381;     /* Maglev table size (prime); plx_lb_maglev values are __u32[M] */
