/*
 * The report as one array of words, for Collect: every getter of the C API
 * called here, in C, so that Go reads the whole report after one cgo call
 * instead of one call per field (tape.go reads the words back in the same
 * order; the two files change together).
 *
 * Two streams: numbers (counts, flags, numbers) and strings (a pointer
 * borrowed from the report, NULL when absent, and a length). A list is its
 * length in the numbers and then its items; an optional number is a flag
 * and the number. Go reads each stream in the order it was written.
 *
 * Every getter of the report in appnetutil.h is called here, except those
 * TestTapeCallsEveryGetter lists with the reason (lookups, derived values):
 * a getter added to the C API for a new key fails that test until it is
 * read here and in tape.go (docs/go.md, "Adding a report key").
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <appnetutil.h>

#include "tape.h"

struct tape {
    struct appnetutil_go_tape out;
    size_t num_cap, str_cap;
    int failed;
};

static void put(struct tape *t, uint64_t x)
{
    struct appnetutil_go_tape *o = &t->out;
    if (o->num_len == t->num_cap) {
        size_t cap = t->num_cap ? 2 * t->num_cap : 256;
        uint64_t *w = t->failed ? NULL : realloc(o->nums, cap * sizeof *w);
        if (!w) {
            t->failed = 1;
            return;
        }
        o->nums = w;
        t->num_cap = cap;
    }
    o->nums[o->num_len++] = x;
}

static void str(struct tape *t, const char *s)
{
    struct appnetutil_go_tape *o = &t->out;
    if (o->str_len == t->str_cap) {
        size_t cap = t->str_cap ? 2 * t->str_cap : 128;
        struct appnetutil_go_str *w = t->failed ? NULL : realloc(o->strs, cap * sizeof *w);
        if (!w) {
            t->failed = 1;
            return;
        }
        o->strs = w;
        t->str_cap = cap;
    }
    size_t len = s ? strlen(s) : 0;
    o->strs[o->str_len].p = s;
    o->strs[o->str_len].len = len;
    o->str_len++;
    o->bytes += len;
}

static void u32s(struct tape *t, const uint32_t *v, size_t n)
{
    t->out.ints += n;
    put(t, n);
    for (size_t i = 0; i < n; i++)
        put(t, v[i]);
}

#define STRS(t, it, count, get)                                     \
    do {                                                            \
        size_t n_ = count(it);                                      \
        put(t, n_);                                                 \
        for (size_t i_ = 0; i_ < n_; i_++)                          \
            str(t, get(it, i_));                                    \
    } while (0)

static void cpus(struct tape *t, const netutil_report *r)
{
    size_t n = 0;
    const uint32_t *list = netutil_report_cpus(r, &n);
    const char *cpuset = netutil_report_cpuset(r);
    put(t, list != NULL || cpuset != NULL);
    if (list == NULL && cpuset == NULL)
        return;
    u32s(t, list, n);
    str(t, cpuset);
    str(t, netutil_report_cpu_source(r));
    put(t, (uint64_t)(int64_t)netutil_report_cpus_exclusive(r));
    size_t nodes = netutil_report_cpu_numa_node_count(r);
    put(t, nodes);
    for (size_t i = 0; i < nodes; i++) {
        uint32_t node = 0;
        const uint32_t *l = netutil_report_cpu_numa_node(r, i, &node, &n);
        put(t, node);
        u32s(t, l, n);
    }
    const uint32_t *iso = netutil_report_cpus_isolated(r, &n);
    put(t, iso != NULL);
    u32s(t, iso, iso ? n : 0);
    size_t groups = netutil_report_cpu_smt_group_count(r);
    put(t, groups);
    for (size_t i = 0; i < groups; i++) {
        const uint32_t *l = netutil_report_cpu_smt_group(r, i, &n);
        u32s(t, l, n);
    }
}

static void hugepages(struct tape *t, const netutil_report *r)
{
    str(t, netutil_report_container_name(r));
    size_t n = netutil_report_container_count(r);
    put(t, n);
    for (size_t i = 0; i < n; i++) {
        const netutil_container *c = netutil_report_container(r, i);
        str(t, netutil_container_name(c));
        size_t m = netutil_container_request_count(c);
        put(t, m);
        for (size_t j = 0; j < m; j++) {
            str(t, netutil_container_request_size(c, j));
            put(t, (uint64_t)netutil_container_request_mib(c, j));
        }
        m = netutil_container_limit_count(c);
        put(t, m);
        for (size_t j = 0; j < m; j++) {
            str(t, netutil_container_limit_size(c, j));
            put(t, (uint64_t)netutil_container_limit_mib(c, j));
        }
    }
    n = netutil_report_cgroup_limit_count(r);
    put(t, n);
    for (size_t i = 0; i < n; i++) {
        str(t, netutil_report_cgroup_limit_size(r, i));
        put(t, (uint64_t)netutil_report_cgroup_limit_mib(r, i));
    }
    n = netutil_report_hugetlbfs_mount_count(r);
    put(t, n);
    for (size_t i = 0; i < n; i++) {
        str(t, netutil_report_hugetlbfs_mount_path(r, i));
        str(t, netutil_report_hugetlbfs_mount_page_size(r, i));
    }
    n = netutil_report_host_pool_count(r);
    put(t, n);
    for (size_t i = 0; i < n; i++) {
        uint64_t total = 0, free_ = 0;
        str(t, netutil_report_host_pool_size(r, i));
        netutil_report_host_pool(r, i, &total, &free_);
        put(t, (uint64_t)total);
        put(t, (uint64_t)free_);
        size_t m = netutil_report_host_pool_node_count(r, i);
        put(t, m);
        for (size_t j = 0; j < m; j++) {
            uint32_t node = 0;
            netutil_report_host_pool_node(r, i, j, &node, &total, &free_);
            put(t, node);
            put(t, (uint64_t)total);
            put(t, (uint64_t)free_);
        }
    }
}

static void interface(struct tape *t, const netutil_interface *it)
{
    str(t, netutil_interface_name(it));
    str(t, netutil_interface_network(it));
    put(t, netutil_interface_is_default(it));
    str(t, netutil_interface_device_type_str(it));
    str(t, netutil_interface_mac(it));
    str(t, netutil_interface_infiniband_guid(it));
    STRS(t, it, netutil_interface_ip_count, netutil_interface_ip);
    uint64_t mtu = 0;
    put(t, netutil_interface_mtu(it, &mtu));
    put(t, (uint64_t)mtu);
    t->out.ints++;
    STRS(t, it, netutil_interface_gateway_count, netutil_interface_gateway);
    size_t routes = netutil_interface_route_count(it);
    put(t, routes);
    for (size_t i = 0; i < routes; i++) {
        str(t, netutil_interface_route_dst(it, i));
        str(t, netutil_interface_route_gw(it, i));
    }
    STRS(t, it, netutil_interface_dns_nameserver_count, netutil_interface_dns_nameserver);
    str(t, netutil_interface_dns_domain(it));
    STRS(t, it, netutil_interface_dns_search_count, netutil_interface_dns_search);
    STRS(t, it, netutil_interface_dns_option_count, netutil_interface_dns_option);
    int devinfo = netutil_interface_has_devinfo(it);
    put(t, devinfo);
    if (devinfo) {
        str(t, netutil_interface_devinfo_type(it));
        str(t, netutil_interface_devinfo_version(it));
        str(t, netutil_interface_devinfo_pci_address(it));
        str(t, netutil_interface_devinfo_pci_vhost_net(it));
        str(t, netutil_interface_devinfo_pci_rdma_device(it));
        str(t, netutil_interface_devinfo_pci_pf_pci_address(it));
        str(t, netutil_interface_devinfo_pci_representor_device(it));
        str(t, netutil_interface_devinfo_vdpa_parent_device(it));
        str(t, netutil_interface_devinfo_vdpa_driver(it));
        str(t, netutil_interface_devinfo_vdpa_path(it));
        str(t, netutil_interface_devinfo_vdpa_pci_address(it));
        str(t, netutil_interface_devinfo_vdpa_pf_pci_address(it));
        str(t, netutil_interface_devinfo_vdpa_representor_device(it));
        str(t, netutil_interface_devinfo_vhost_user_mode(it));
        str(t, netutil_interface_devinfo_vhost_user_path(it));
        str(t, netutil_interface_devinfo_vhost_user_group(it));
        str(t, netutil_interface_devinfo_memif_role(it));
        str(t, netutil_interface_devinfo_memif_mode(it));
        str(t, netutil_interface_devinfo_memif_path(it));
    }
    str(t, netutil_interface_device_id(it));
    str(t, netutil_interface_resource_env(it));
    str(t, netutil_interface_device_plugin_info(it));
    int pcidev = netutil_interface_has_pcidev(it);
    put(t, pcidev);
    if (pcidev) {
        uint32_t node = 0;
        put(t, netutil_interface_pcidev_numa_node(it, &node));
        put(t, node);
        t->out.ints++;
        str(t, netutil_interface_pcidev_driver(it));
        uint32_t g = 0;
        put(t, netutil_interface_pcidev_iommu_group(it, &g));
        put(t, g);
        t->out.ints++;
        str(t, netutil_interface_pcidev_vfio_device(it));
        STRS(t, it, netutil_interface_pcidev_netdev_count, netutil_interface_pcidev_netdev);
        str(t, netutil_interface_pcidev_vendor(it));
        str(t, netutil_interface_pcidev_device(it));
        str(t, netutil_interface_pcidev_physfn(it));
    }
    int dra = netutil_interface_has_dra(it);
    put(t, dra);
    if (dra) {
        str(t, netutil_interface_dra_driver(it));
        str(t, netutil_interface_dra_pool(it));
        str(t, netutil_interface_dra_device(it));
        /* The claim is known exactly when a metadata file named the device. */
        str(t, netutil_interface_dra_claim_namespace(it));
        str(t, netutil_interface_dra_claim_name(it));
        str(t, netutil_interface_dra_claim_uid(it));
        str(t, netutil_interface_dra_pod_claim_name(it));
        str(t, netutil_interface_dra_request(it));
        str(t, netutil_interface_dra_metadata_file(it));
        str(t, netutil_interface_dra_metadata_version(it));
        int64_t g = 0;
        put(t, netutil_interface_dra_generation(it, &g));
        put(t, (uint64_t)g);
        size_t na = netutil_interface_dra_attribute_count(it);
        put(t, na);
        for (size_t i = 0; i < na; i++) {
            str(t, netutil_interface_dra_attribute_name(it, i));
            str(t, netutil_interface_dra_attribute_json(it, i));
        }
        str(t, netutil_interface_dra_network_data(it));
        size_t ne = netutil_interface_dra_env_count(it);
        put(t, ne);
        for (size_t i = 0; i < ne; i++) {
            str(t, netutil_interface_dra_env_name(it, i));
            str(t, netutil_interface_dra_env_value(it, i));
        }
    }
    STRS(t, it, netutil_interface_source_count, netutil_interface_source);
}

int appnetutil_go_tape(const netutil_report *r, struct appnetutil_go_tape *out)
{
    struct tape t = {0};
    put(&t, APPNETUTIL_GO_TAPE_MAGIC);
    str(&t, netutil_report_pod_hostname(r));
    str(&t, netutil_report_pod_name(r));
    str(&t, netutil_report_pod_namespace(r));
    str(&t, netutil_report_pod_uid(r));
    cpus(&t, r);
    hugepages(&t, r);
    size_t n_if = netutil_report_interface_count(r);
    put(&t, n_if);
    for (size_t i = 0; i < n_if; i++)
        interface(&t, netutil_report_interface(r, i));
    STRS(&t, r, netutil_report_warning_count, netutil_report_warning);
    /* warning-details: the code and subject of each warning (the message
     * is the warning itself). */
    size_t n_w = netutil_report_warning_count(r);
    put(&t, n_w);
    for (size_t i = 0; i < n_w; i++) {
        str(&t, netutil_report_warning_code(r, i));
        str(&t, netutil_report_warning_subject(r, i));
    }
    put(&t, APPNETUTIL_GO_TAPE_MAGIC);
    if (t.failed) {
        appnetutil_go_tape_free(&t.out);
        return 0;
    }
    *out = t.out;
    return 1;
}

void appnetutil_go_tape_free(struct appnetutil_go_tape *tape)
{
    free(tape->nums);
    free(tape->strs);
    tape->nums = NULL;
    tape->strs = NULL;
}

netutil_status appnetutil_go_collect(const netutil_options *opts, netutil_report **out,
                                     netutil_error **err, struct appnetutil_go_tape *tape,
                                     int *tape_ok)
{
    netutil_status st = netutil_report_collect(opts, out, err);
    *tape_ok = st == NETUTIL_STATUS_OK && appnetutil_go_tape(*out, tape);
    return st;
}
