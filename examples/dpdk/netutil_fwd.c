/*
 * netutil_fwd: a small DPDK application that takes its EAL arguments from
 * libappnetutil, then forwards packets between its ports (port 0 <-> 1,
 * 2 <-> 3, ...; a last port without a partner sends back out on itself) for
 * a bounded time, and prints the statistics of each port.
 *
 *   netutil_fwd [OPTIONS] [-- --seconds N] [--tx-first]
 *
 * Options (they set the libappnetutil options; everything else comes from
 * the pod):
 *   --root DIR          read the pod below DIR instead of /
 *   --podinfo-dir DIR   the downward-API directory
 *   --lcores N          lcores to use (default 1: this program polls on the main lcore only)
 *   --main-cpu CPU      the CPU of the main lcore (default: the pod's lowest)
 *   --memory MIB        hugepage memory instead of the container's grant
 *   --no-huge           anonymous memory instead of hugepages (tests)
 *   --in-memory         no shared runtime files
 *   --file-prefix P     EAL's --file-prefix (default: from the pod's host and container names)
 *   --eal-arg ARG       an extra EAL argument (repeatable)
 *   -v                  log what libappnetutil reads and decides
 * Application arguments, after --:
 *   --seconds N         forward for N seconds (default 10), then print the statistics
 *   --tx-first          send a burst on every port once its link is up, to start traffic
 *
 * Build: make (pkg-config libdpdk and appnetutil).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <appnetutil.h>

#define BURST 32
#define RING_SIZE 1024
#define NB_MBUF 8191

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void on_log(void *user_data, uint32_t level, const char *message)
{
    (void)user_data;
    static const char *const names[] = {"none", "error", "warning", "info", "debug"};
    fprintf(stderr, "app-netutil: %s: %s\n", level <= 4 ? names[level] : "?", message);
}

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--root DIR] [--podinfo-dir DIR] [--lcores N] [--main-cpu CPU] "
            "[--memory MIB] [--no-huge] [--in-memory] [--file-prefix P] [--eal-arg ARG]... [-v] "
            "[-- [--seconds N] [--tx-first]]\n",
            prog);
    return 2;
}

static int check(netutil_status s, const char *what)
{
    if (s != NETUTIL_STATUS_OK) {
        fprintf(stderr, "netutil_fwd: %s: %s\n", what, netutil_status_str(s));
        return -1;
    }
    return 0;
}

/* Parses the options before `--` into libappnetutil options. */
static netutil_options *parse_options(int argc, char **argv, int *app_first)
{
    netutil_options *o = netutil_options_new();
    if (o == NULL)
        return NULL;
    int ok = netutil_options_set_dpdk_program_name(o, argv[0]) == NETUTIL_STATUS_OK;
    ok = ok && netutil_options_set_dpdk_lcore_count(o, 1) == NETUTIL_STATUS_OK;
    int i = 1;
    for (; ok && i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        netutil_status s = NETUTIL_STATUS_OK;
        if (strcmp(opt, "--no-huge") == 0) {
            s = netutil_options_set_dpdk_no_huge(o, true);
        } else if (strcmp(opt, "--in-memory") == 0) {
            s = netutil_options_set_dpdk_in_memory(o, true);
        } else if (strcmp(opt, "-v") == 0) {
            s = netutil_options_set_log_level(o, NETUTIL_LOG_INFO);
            if (s == NETUTIL_STATUS_OK)
                s = netutil_options_set_log_callback(o, on_log, NULL);
        } else if (val == NULL) {
            ok = 0;
            break;
        } else {
            if (strcmp(opt, "--root") == 0)
                s = netutil_options_set_root(o, val);
            else if (strcmp(opt, "--podinfo-dir") == 0)
                s = netutil_options_set_podinfo_dir(o, val);
            else if (strcmp(opt, "--lcores") == 0)
                s = netutil_options_set_dpdk_lcore_count(o, (uint32_t)strtoul(val, NULL, 10));
            else if (strcmp(opt, "--main-cpu") == 0)
                s = netutil_options_set_dpdk_main_cpu(o, strtoll(val, NULL, 10));
            else if (strcmp(opt, "--memory") == 0)
                s = netutil_options_set_dpdk_memory_mib(o, strtoull(val, NULL, 10));
            else if (strcmp(opt, "--file-prefix") == 0)
                s = netutil_options_set_dpdk_file_prefix(o, val);
            else if (strcmp(opt, "--eal-arg") == 0)
                s = netutil_options_add_dpdk_eal_arg(o, val);
            else {
                ok = 0;
                break;
            }
            i++;
        }
        if (check(s, opt) != 0)
            ok = 0;
    }
    if (!ok) {
        netutil_options_free(o);
        return NULL;
    }
    *app_first = i < argc ? i + 1 : argc; /* after "--" */
    return o;
}

static int port_init(uint16_t port, struct rte_mempool *pool)
{
    struct rte_eth_conf conf;
    memset(&conf, 0, sizeof conf);
    uint16_t nb_rxd = RING_SIZE, nb_txd = RING_SIZE;
    int ret = rte_eth_dev_configure(port, 1, 1, &conf);
    if (ret == 0)
        ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
    if (ret == 0)
        ret = rte_eth_rx_queue_setup(port, 0, nb_rxd, rte_eth_dev_socket_id(port), NULL, pool);
    if (ret == 0)
        ret = rte_eth_tx_queue_setup(port, 0, nb_txd, rte_eth_dev_socket_id(port), NULL);
    if (ret == 0)
        ret = rte_eth_dev_start(port);
    if (ret == 0)
        rte_eth_promiscuous_enable(port); /* not every driver supports it */
    return ret;
}

/* A burst of small Ethernet frames (ethertype 0x88b5, local experimental). */
static void send_burst(uint16_t port, struct rte_mempool *pool)
{
    struct rte_mbuf *pkts[BURST];
    struct rte_ether_addr mac;
    rte_eth_macaddr_get(port, &mac);
    uint16_t n = 0;
    for (; n < BURST; n++) {
        struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
        if (m == NULL)
            break;
        char *p = rte_pktmbuf_append(m, 64);
        memset(p, 0, 64);
        struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
        memset(&eth->dst_addr, 0xff, sizeof eth->dst_addr);
        rte_ether_addr_copy(&mac, &eth->src_addr);
        eth->ether_type = rte_cpu_to_be_16(0x88b5);
        pkts[n] = m;
    }
    uint16_t sent = rte_eth_tx_burst(port, 0, pkts, n);
    for (uint16_t k = sent; k < n; k++)
        rte_pktmbuf_free(pkts[k]);
}

int main(int argc, char **argv)
{
    if (netutil_abi_version() != NETUTIL_ABI_VERSION) {
        fprintf(stderr, "netutil_fwd: libappnetutil ABI %u, built for %u\n", netutil_abi_version(),
                (unsigned)NETUTIL_ABI_VERSION);
        return 1;
    }
    int app_first = argc;
    netutil_options *opts = parse_options(argc, argv, &app_first);
    if (opts == NULL)
        return usage(argv[0]);
    unsigned seconds = 10;
    bool tx_first = false;
    for (int i = app_first; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--tx-first") == 0)
            tx_first = true;
        else
            return usage(argv[0]);
    }

    /* 1. What the pod was given, and EAL arguments built from it. */
    netutil_report *report = NULL;
    netutil_eal_args *eal = NULL;
    netutil_error *err = NULL;
    if (netutil_report_collect(opts, &report, &err) != NETUTIL_STATUS_OK ||
        netutil_eal_args_build(report, opts, &eal, &err) != NETUTIL_STATUS_OK) {
        fprintf(stderr, "netutil_fwd: %s\n", netutil_error_message(err));
        netutil_error_free(err);
        netutil_report_free(report);
        netutil_options_free(opts);
        return 1;
    }
    for (size_t i = 0; i < netutil_report_warning_count(report); i++)
        fprintf(stderr, "netutil_fwd: warning: %s\n", netutil_report_warning(report, i));
    for (size_t i = 0; i < netutil_eal_args_warning_count(eal); i++)
        fprintf(stderr, "netutil_fwd: warning: %s\n", netutil_eal_args_warning(eal, i));
    printf("EAL arguments:");
    for (int i = 1; i < netutil_eal_args_argc(eal); i++)
        printf(" %s", netutil_eal_args_arg(eal, (size_t)i));
    printf("\n");
    fflush(stdout);

    /* 2. rte_eal_init may reorder argv: it belongs to `eal`, which is freed
     *    after rte_eal_cleanup(). */
    if (rte_eal_init(netutil_eal_args_argc(eal), netutil_eal_args_argv(eal)) < 0) {
        fprintf(stderr, "netutil_fwd: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    uint16_t nb_ports = rte_eth_dev_count_avail();
    printf("ports: %u\n", nb_ports);
    if (nb_ports == 0) {
        fprintf(stderr, "netutil_fwd: no ports (does the pod have a device?)\n");
        rte_eal_cleanup();
        return 1;
    }
    struct rte_mempool *pool = rte_pktmbuf_pool_create("netutil_fwd", NB_MBUF * nb_ports, 256, 0,
                                                       RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
    if (pool == NULL) {
        fprintf(stderr, "netutil_fwd: mbuf pool: %s\n", rte_strerror(rte_errno));
        rte_eal_cleanup();
        return 1;
    }
    uint16_t port;
    RTE_ETH_FOREACH_DEV(port)
    {
        if (port_init(port, pool) != 0) {
            fprintf(stderr, "netutil_fwd: port %u does not start\n", port);
            rte_eal_cleanup();
            return 1;
        }
    }

    /* 3. Forward on the main lcore until the time is up. */
    uint64_t hz = rte_get_timer_hz();
    uint64_t end = rte_get_timer_cycles() + (uint64_t)seconds * hz;
    bool started[RTE_MAX_ETHPORTS] = {false};
    while (!stop && rte_get_timer_cycles() < end) {
        RTE_ETH_FOREACH_DEV(port)
        {
            if (tx_first && !started[port]) {
                struct rte_eth_link link;
                if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status) {
                    send_burst(port, pool);
                    started[port] = true;
                }
            }
            /* Pairs 0<->1, 2<->3; an odd last port answers itself. */
            uint16_t peer = (port ^ 1) < nb_ports ? (uint16_t)(port ^ 1) : port;
            struct rte_mbuf *pkts[BURST];
            uint16_t n = rte_eth_rx_burst(port, 0, pkts, BURST);
            if (n == 0)
                continue;
            uint16_t sent = rte_eth_tx_burst(peer, 0, pkts, n);
            for (uint16_t k = sent; k < n; k++)
                rte_pktmbuf_free(pkts[k]);
        }
    }

    /* 4. Statistics, one line per port. */
    RTE_ETH_FOREACH_DEV(port)
    {
        struct rte_eth_stats st;
        if (rte_eth_stats_get(port, &st) == 0)
            printf("port %u: RX-packets: %" PRIu64 " TX-packets: %" PRIu64 " RX-dropped: %" PRIu64
                   " TX-errors: %" PRIu64 "\n",
                   port, st.ipackets, st.opackets, st.imissed, st.oerrors);
        rte_eth_dev_stop(port);
        rte_eth_dev_close(port);
    }
    fflush(stdout);
    rte_eal_cleanup();
    netutil_eal_args_free(eal);
    netutil_report_free(report);
    netutil_options_free(opts);
    return 0;
}
