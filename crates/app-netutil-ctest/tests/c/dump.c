/* Prints every value the getters give, one `path=value` line each, with the
 * paths of the JSON contract; the Rust side flattens the library's own report
 * the same way and compares (tests/c_api.rs). Values: null, true, false,
 * numbers, "strings" (\\, \" and \xNN escapes), and device-plugin-info as its
 * JSON text. Empty arrays and objects print nothing. Lines starting with `x.`
 * are the convenience getters, which the JSON does not have. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <string.h>

#include "ctest.h"

static void put_str(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == '"')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void line_str(FILE *out, const char *path, const char *s)
{
    fprintf(out, "%s=", path);
    put_str(out, s);
    fputc('\n', out);
}

/* Only when present (device-info payload keys are left out when absent). */
static void line_str_opt(FILE *out, const char *path, const char *s)
{
    if (s != NULL)
        line_str(out, path, s);
}

static void line_u32s(FILE *out, const char *path, const uint32_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s[%zu]=%" PRIu32 "\n", path, i, v[i]);
}

typedef size_t (*count_fn)(const netutil_interface *);
typedef const char *(*item_fn)(const netutil_interface *, size_t);

static void line_list(FILE *out, const char *prefix, const char *key,
                      const netutil_interface *it, count_fn count, item_fn item)
{
    size_t n = count(it);
    for (size_t i = 0; i < n; i++) {
        const char *s = item(it, i);
        CHECK(s != NULL);
        fprintf(out, "%s.%s[%zu]=", prefix, key, i);
        put_str(out, s);
        fputc('\n', out);
    }
    CHECK(item(it, n) == NULL);
}

static void dump_cpus(FILE *out, const netutil_report *r)
{
    size_t n = 12345;
    const uint32_t *cpus = netutil_report_cpus(r, &n);
    const char *cpuset = netutil_report_cpuset(r);
    if (cpuset == NULL) {
        CHECK(cpus == NULL && n == 0);
        CHECK(netutil_report_cpu_source(r) == NULL);
        CHECK(netutil_report_cpus_exclusive(r) == -1);
        fputs("cpus=null\n", out);
        return;
    }
    CHECK(cpus != NULL);
    line_u32s(out, "cpus.list", cpus, n);
    line_str(out, "cpus.cpuset", cpuset);
    line_str(out, "cpus.source", netutil_report_cpu_source(r));

    size_t nodes = netutil_report_cpu_numa_node_count(r);
    for (size_t i = 0; i < nodes; i++) {
        uint32_t node = 0;
        size_t len = 0;
        const uint32_t *list = netutil_report_cpu_numa_node(r, i, &node, &len);
        CHECK(list != NULL);
        char path[64];
        snprintf(path, sizeof path, "cpus.numa-nodes.%" PRIu32, node);
        line_u32s(out, path, list, len);
    }
    {
        uint32_t node = 77;
        size_t len = 77;
        CHECK(netutil_report_cpu_numa_node(r, nodes, &node, &len) == NULL);
        CHECK(node == 77 && len == 0);
    }

    int excl = netutil_report_cpus_exclusive(r);
    CHECK(excl >= -1 && excl <= 1);
    fprintf(out, "cpus.exclusive=%s\n", excl < 0 ? "null" : excl ? "true" : "false");

    size_t niso = 99;
    const uint32_t *iso = netutil_report_cpus_isolated(r, &niso);
    if (iso == NULL)
        CHECK(niso == 0);
    else
        line_u32s(out, "cpus.isolated", iso, niso);

    size_t groups = netutil_report_cpu_smt_group_count(r);
    for (size_t i = 0; i < groups; i++) {
        size_t len = 0;
        const uint32_t *g = netutil_report_cpu_smt_group(r, i, &len);
        CHECK(g != NULL);
        char path[64];
        snprintf(path, sizeof path, "cpus.smt-siblings[%zu]", i);
        line_u32s(out, path, g, len);
    }
    size_t len = 5;
    CHECK(netutil_report_cpu_smt_group(r, groups, &len) == NULL && len == 0);
}

static void dump_container(FILE *out, const netutil_container *c, size_t i)
{
    char path[128];
    snprintf(path, sizeof path, "hugepages.containers[%zu].name", i);
    line_str(out, path, netutil_container_name(c));
    for (int limit = 0; limit <= 1; limit++) {
        size_t n = limit ? netutil_container_limit_count(c) : netutil_container_request_count(c);
        for (size_t j = 0; j < n; j++) {
            const char *size = limit ? netutil_container_limit_size(c, j)
                                     : netutil_container_request_size(c, j);
            uint64_t mib = limit ? netutil_container_limit_mib(c, j)
                                 : netutil_container_request_mib(c, j);
            CHECK(size != NULL);
            fprintf(out, "hugepages.containers[%zu].%s.%s=%" PRIu64 "\n", i,
                    limit ? "limit-mib" : "request-mib", size, mib);
            /* The lookup by size agrees. */
            uint64_t again = 0;
            CHECK((limit ? netutil_container_limit_mib_for(c, size, &again)
                         : netutil_container_request_mib_for(c, size, &again)));
            CHECK(again == mib);
        }
        CHECK((limit ? netutil_container_limit_size(c, n) : netutil_container_request_size(c, n)) ==
              NULL);
        CHECK((limit ? netutil_container_limit_mib(c, n) : netutil_container_request_mib(c, n)) == 0);
    }
    uint64_t none = 5;
    CHECK(!netutil_container_request_mib_for(c, "3Ti", &none) && none == 5);
    CHECK(!netutil_container_request_mib_for(c, "not a size", &none) && none == 5);
}

static void dump_hugepages(FILE *out, const netutil_report *r)
{
    line_str(out, "hugepages.container", netutil_report_container_name(r));
    size_t n = netutil_report_container_count(r);
    for (size_t i = 0; i < n; i++) {
        const netutil_container *c = netutil_report_container(r, i);
        CHECK(c != NULL);
        dump_container(out, c, i);
    }
    CHECK(netutil_report_container(r, n) == NULL);
    const netutil_container *own = netutil_report_own_container(r);
    if (own != NULL)
        line_str(out, "x.own-container", netutil_container_name(own));

    n = netutil_report_cgroup_limit_count(r);
    for (size_t i = 0; i < n; i++) {
        const char *size = netutil_report_cgroup_limit_size(r, i);
        CHECK(size != NULL);
        fprintf(out, "hugepages.cgroup-limit-mib.%s=%" PRIu64 "\n", size,
                netutil_report_cgroup_limit_mib(r, i));
    }
    CHECK(netutil_report_cgroup_limit_size(r, n) == NULL);

    n = netutil_report_hugetlbfs_mount_count(r);
    for (size_t i = 0; i < n; i++) {
        char path[96];
        snprintf(path, sizeof path, "hugepages.mounts[%zu].path", i);
        line_str(out, path, netutil_report_hugetlbfs_mount_path(r, i));
        snprintf(path, sizeof path, "hugepages.mounts[%zu].page-size", i);
        line_str(out, path, netutil_report_hugetlbfs_mount_page_size(r, i));
    }
    CHECK(netutil_report_hugetlbfs_mount_path(r, n) == NULL);

    n = netutil_report_host_pool_count(r);
    for (size_t i = 0; i < n; i++) {
        const char *size = netutil_report_host_pool_size(r, i);
        uint64_t total = 0, free_pages = 0;
        CHECK(size != NULL);
        CHECK(netutil_report_host_pool(r, i, &total, &free_pages));
        fprintf(out, "hugepages.host-pools.%s.total=%" PRIu64 "\n", size, total);
        fprintf(out, "hugepages.host-pools.%s.free=%" PRIu64 "\n", size, free_pages);
        size_t nodes = netutil_report_host_pool_node_count(r, i);
        for (size_t j = 0; j < nodes; j++) {
            uint32_t node = 0;
            CHECK(netutil_report_host_pool_node(r, i, j, &node, &total, &free_pages));
            fprintf(out, "hugepages.host-pools.%s.numa-nodes.%" PRIu32 ".total=%" PRIu64 "\n",
                    size, node, total);
            fprintf(out, "hugepages.host-pools.%s.numa-nodes.%" PRIu32 ".free=%" PRIu64 "\n",
                    size, node, free_pages);
        }
        uint32_t past = 0;
        CHECK(!netutil_report_host_pool_node(r, i, nodes, &past, &total, &free_pages));
    }
    uint64_t t = 0, f = 0;
    CHECK(!netutil_report_host_pool(r, n, &t, &f));
}

static const char *const TYPE_NAMES[] = {"host", "pci", "vdpa", "vhost-user",
                                         "memif", "auxiliary", "unknown"};

static void dump_interface(FILE *out, const netutil_interface *it, size_t i)
{
    char p[64], path[160];
    snprintf(p, sizeof p, "interfaces[%zu]", i);
#define PATH(key) (snprintf(path, sizeof path, "%s.%s", p, key), path)

    line_str(out, PATH("interface"), netutil_interface_name(it));
    line_str(out, PATH("network"), netutil_interface_network(it));
    fprintf(out, "%s=%s\n", PATH("default"), netutil_interface_is_default(it) ? "true" : "false");

    netutil_device_type type = netutil_interface_device_type(it);
    const char *type_str = netutil_interface_device_type_str(it);
    CHECK(type <= NETUTIL_DEVICE_UNKNOWN);
    CHECK(type_str != NULL && strcmp(type_str, TYPE_NAMES[type]) == 0);
    line_str(out, PATH("device-type"), type_str);
    fprintf(out, "x.%s=%u\n", PATH("device-type-enum"), (unsigned)type);

    line_str(out, PATH("mac"), netutil_interface_mac(it));
    line_str(out, PATH("infiniband-guid"), netutil_interface_infiniband_guid(it));
    line_list(out, p, "ips", it, netutil_interface_ip_count, netutil_interface_ip);
    uint64_t mtu = 424242;
    if (netutil_interface_mtu(it, &mtu))
        fprintf(out, "%s=%" PRIu64 "\n", PATH("mtu"), mtu);
    else {
        CHECK(mtu == 424242);
        fprintf(out, "%s=null\n", PATH("mtu"));
    }
    line_list(out, p, "gateway", it, netutil_interface_gateway_count, netutil_interface_gateway);
    size_t nroutes = netutil_interface_route_count(it);
    for (size_t j = 0; j < nroutes; j++) {
        char rp[96];
        snprintf(rp, sizeof rp, "routes[%zu].dst", j);
        CHECK(netutil_interface_route_dst(it, j) != NULL);
        line_str(out, PATH(rp), netutil_interface_route_dst(it, j));
        snprintf(rp, sizeof rp, "routes[%zu].gw", j);
        line_str(out, PATH(rp), netutil_interface_route_gw(it, j));
    }
    CHECK(netutil_interface_route_dst(it, nroutes) == NULL);
    CHECK(netutil_interface_route_gw(it, nroutes) == NULL);
    line_list(out, p, "dns.nameservers", it, netutil_interface_dns_nameserver_count,
              netutil_interface_dns_nameserver);
    line_list(out, p, "dns.search", it, netutil_interface_dns_search_count,
              netutil_interface_dns_search);
    line_list(out, p, "dns.options", it, netutil_interface_dns_option_count,
              netutil_interface_dns_option);
    line_str(out, PATH("dns.domain"), netutil_interface_dns_domain(it));

    if (netutil_interface_has_devinfo(it)) {
        CHECK(netutil_interface_devinfo_type(it) != NULL);
        line_str(out, PATH("device-info.type"), netutil_interface_devinfo_type(it));
        line_str(out, PATH("device-info.version"), netutil_interface_devinfo_version(it));
        line_str_opt(out, PATH("device-info.pci.pci-address"),
                     netutil_interface_devinfo_pci_address(it));
        line_str_opt(out, PATH("device-info.pci.vhost-net"),
                     netutil_interface_devinfo_pci_vhost_net(it));
        line_str_opt(out, PATH("device-info.pci.rdma-device"),
                     netutil_interface_devinfo_pci_rdma_device(it));
        line_str_opt(out, PATH("device-info.pci.pf-pci-address"),
                     netutil_interface_devinfo_pci_pf_pci_address(it));
        line_str_opt(out, PATH("device-info.pci.representor-device"),
                     netutil_interface_devinfo_pci_representor_device(it));
        line_str_opt(out, PATH("device-info.vdpa.parent-device"),
                     netutil_interface_devinfo_vdpa_parent_device(it));
        line_str_opt(out, PATH("device-info.vdpa.driver"), netutil_interface_devinfo_vdpa_driver(it));
        line_str_opt(out, PATH("device-info.vdpa.path"), netutil_interface_devinfo_vdpa_path(it));
        line_str_opt(out, PATH("device-info.vdpa.pci-address"),
                     netutil_interface_devinfo_vdpa_pci_address(it));
        line_str_opt(out, PATH("device-info.vdpa.pf-pci-address"),
                     netutil_interface_devinfo_vdpa_pf_pci_address(it));
        line_str_opt(out, PATH("device-info.vdpa.representor-device"),
                     netutil_interface_devinfo_vdpa_representor_device(it));
        line_str_opt(out, PATH("device-info.vhost-user.mode"),
                     netutil_interface_devinfo_vhost_user_mode(it));
        line_str_opt(out, PATH("device-info.vhost-user.path"),
                     netutil_interface_devinfo_vhost_user_path(it));
        line_str_opt(out, PATH("device-info.vhost-user.group"),
                     netutil_interface_devinfo_vhost_user_group(it));
        line_str_opt(out, PATH("device-info.memif.role"), netutil_interface_devinfo_memif_role(it));
        line_str_opt(out, PATH("device-info.memif.mode"), netutil_interface_devinfo_memif_mode(it));
        line_str_opt(out, PATH("device-info.memif.path"), netutil_interface_devinfo_memif_path(it));
    } else {
        CHECK(netutil_interface_devinfo_type(it) == NULL);
        CHECK(netutil_interface_devinfo_version(it) == NULL);
        CHECK(netutil_interface_devinfo_pci_address(it) == NULL);
        CHECK(netutil_interface_devinfo_memif_path(it) == NULL);
        fprintf(out, "%s=null\n", PATH("device-info"));
    }
    line_str_opt(out, PATH("x.pci-address"), netutil_interface_pci_address(it));
    line_str_opt(out, PATH("x.socket-path"), netutil_interface_socket_path(it));

    line_str(out, PATH("device-id"), netutil_interface_device_id(it));
    line_str(out, PATH("resource-env"), netutil_interface_resource_env(it));
    const char *dpi = netutil_interface_device_plugin_info(it);
    fprintf(out, "%s=%s\n", PATH("device-plugin-info"), dpi ? dpi : "null");

    if (netutil_interface_has_pcidev(it)) {
        uint32_t v = 0;
        if (netutil_interface_pcidev_numa_node(it, &v))
            fprintf(out, "%s=%" PRIu32 "\n", PATH("pci-device.numa-node"), v);
        else
            fprintf(out, "%s=null\n", PATH("pci-device.numa-node"));
        line_str(out, PATH("pci-device.driver"), netutil_interface_pcidev_driver(it));
        if (netutil_interface_pcidev_iommu_group(it, &v))
            fprintf(out, "%s=%" PRIu32 "\n", PATH("pci-device.iommu-group"), v);
        else
            fprintf(out, "%s=null\n", PATH("pci-device.iommu-group"));
        line_str(out, PATH("pci-device.vfio-device"), netutil_interface_pcidev_vfio_device(it));
        line_list(out, p, "pci-device.netdevs", it, netutil_interface_pcidev_netdev_count,
                  netutil_interface_pcidev_netdev);
        line_str(out, PATH("pci-device.vendor"), netutil_interface_pcidev_vendor(it));
        line_str(out, PATH("pci-device.device"), netutil_interface_pcidev_device(it));
        line_str(out, PATH("pci-device.physfn"), netutil_interface_pcidev_physfn(it));
    } else {
        uint32_t v = 9;
        CHECK(!netutil_interface_pcidev_numa_node(it, &v) && v == 9);
        CHECK(!netutil_interface_pcidev_iommu_group(it, &v) && v == 9);
        CHECK(netutil_interface_pcidev_driver(it) == NULL);
        CHECK(netutil_interface_pcidev_netdev_count(it) == 0);
        fprintf(out, "%s=null\n", PATH("pci-device"));
    }
    if (netutil_interface_has_dra(it)) {
        line_str(out, PATH("dra.driver"), netutil_interface_dra_driver(it));
        line_str(out, PATH("dra.pool"), netutil_interface_dra_pool(it));
        line_str(out, PATH("dra.device"), netutil_interface_dra_device(it));
        const char *claim_ns = netutil_interface_dra_claim_namespace(it);
        const char *claim_name = netutil_interface_dra_claim_name(it);
        const char *claim_uid = netutil_interface_dra_claim_uid(it);
        const char *pod_claim = netutil_interface_dra_pod_claim_name(it);
        if (netutil_interface_dra_metadata_file(it) != NULL) {
            line_str(out, PATH("dra.claim.namespace"), claim_ns);
            line_str(out, PATH("dra.claim.name"), claim_name);
            line_str(out, PATH("dra.claim.uid"), claim_uid);
            line_str(out, PATH("dra.claim.pod-claim-name"), pod_claim);
        } else {
            CHECK(claim_ns == NULL && claim_name == NULL && claim_uid == NULL && pod_claim == NULL);
            fprintf(out, "%s=null\n", PATH("dra.claim"));
        }
        line_str(out, PATH("dra.request"), netutil_interface_dra_request(it));
        line_str(out, PATH("dra.metadata-file"), netutil_interface_dra_metadata_file(it));
        line_str(out, PATH("dra.metadata-version"), netutil_interface_dra_metadata_version(it));
        int64_t g = -7;
        if (netutil_interface_dra_generation(it, &g))
            fprintf(out, "%s=%" PRId64 "\n", PATH("dra.generation"), g);
        else
            fprintf(out, "%s=null\n", PATH("dra.generation"));
        size_t na = netutil_interface_dra_attribute_count(it);
        for (size_t i = 0; i < na; i++) {
            const char *name = netutil_interface_dra_attribute_name(it, i);
            const char *json = netutil_interface_dra_attribute_json(it, i);
            CHECK(name != NULL && json != NULL);
            fprintf(out, "%s.", PATH("dra.attributes"));
            fputs(name, out);
            fprintf(out, "=%s\n", json);
        }
        CHECK(netutil_interface_dra_attribute_name(it, na) == NULL);
        CHECK(netutil_interface_dra_attribute_json(it, na) == NULL);
        const char *nd = netutil_interface_dra_network_data(it);
        fprintf(out, "%s=%s\n", PATH("dra.network-data"), nd ? nd : "null");
        size_t ne = netutil_interface_dra_env_count(it);
        for (size_t i = 0; i < ne; i++) {
            const char *name = netutil_interface_dra_env_name(it, i);
            CHECK(name != NULL);
            fprintf(out, "%s.", PATH("dra.env"));
            fputs(name, out);
            fputc('=', out);
            put_str(out, netutil_interface_dra_env_value(it, i));
            fputc('\n', out);
        }
        CHECK(netutil_interface_dra_env_name(it, ne) == NULL);
        CHECK(netutil_interface_dra_env_value(it, ne) == NULL);
    } else {
        int64_t g = -7;
        CHECK(netutil_interface_dra_driver(it) == NULL);
        CHECK(!netutil_interface_dra_generation(it, &g) && g == -7);
        CHECK(netutil_interface_dra_attribute_count(it) == 0);
        CHECK(netutil_interface_dra_env_count(it) == 0);
        fprintf(out, "%s=null\n", PATH("dra"));
    }
    line_list(out, p, "sources", it, netutil_interface_source_count, netutil_interface_source);
#undef PATH
}

void ctest_dump(FILE *out, const netutil_report *r)
{
    line_str(out, "pod.hostname", netutil_report_pod_hostname(r));
    line_str(out, "pod.name", netutil_report_pod_name(r));
    line_str(out, "pod.namespace", netutil_report_pod_namespace(r));
    line_str(out, "pod.uid", netutil_report_pod_uid(r));
    dump_cpus(out, r);
    dump_hugepages(out, r);
    size_t n = netutil_report_interface_count(r);
    for (size_t i = 0; i < n; i++) {
        const netutil_interface *it = netutil_report_interface(r, i);
        CHECK(it != NULL);
        dump_interface(out, it, i);
        /* Lookup by name finds the first interface of that name. */
        const char *name = netutil_interface_name(it);
        if (name != NULL) {
            const netutil_interface *first = netutil_report_interface_by_name(r, name);
            CHECK(first != NULL && strcmp(netutil_interface_name(first), name) == 0);
            for (size_t j = 0; j < n; j++) {
                const netutil_interface *o = netutil_report_interface(r, j);
                const char *on = netutil_interface_name(o);
                if (on != NULL && strcmp(on, name) == 0) {
                    CHECK(first == o);
                    break;
                }
            }
        }
    }
    CHECK(netutil_report_interface(r, n) == NULL);
    CHECK(netutil_report_interface_by_name(r, "no-such-interface-anywhere") == NULL);

    size_t w = netutil_report_warning_count(r);
    for (size_t i = 0; i < w; i++) {
        const char *s = netutil_report_warning(r, i);
        CHECK(s != NULL);
        fprintf(out, "warnings[%zu]=", i);
        put_str(out, s);
        fputc('\n', out);
        /* The details: the same message, its code and its subject. */
        const char *code = netutil_report_warning_code(r, i);
        const char *subject = netutil_report_warning_subject(r, i);
        CHECK(code != NULL && subject != NULL);
        fprintf(out, "warning-details[%zu].code=", i);
        put_str(out, code);
        fputc('\n', out);
        fprintf(out, "warning-details[%zu].subject=", i);
        put_str(out, subject);
        fputc('\n', out);
        fprintf(out, "warning-details[%zu].message=", i);
        put_str(out, s);
        fputc('\n', out);
    }
    CHECK(netutil_report_warning(r, w) == NULL);
    CHECK(netutil_report_warning_code(r, w) == NULL);
    CHECK(netutil_report_warning_subject(r, w) == NULL);
}

/* ctest dump ROOT...: with several roots (scripts/test runs all fixture pods
 * in one process under valgrind), each dump follows a line "== ROOT". */
int ctest_dump_main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    for (int i = 1; i < argc; i++) {
        if (argc > 2)
            printf("== %s\n", argv[i]);
        netutil_report *r = ctest_collect(argv[i]);
        ctest_dump(stdout, r);
        netutil_report_free(r);
    }
    return 0;
}

/* For the Rust tests, which build reports the C API cannot (every optional
 * field filled in): the dump of `r` into the file `path`. */
int ctest_dump_path(const netutil_report *r, const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return 1;
    ctest_dump(out, r);
    return fclose(out) == 0 ? 0 : 1;
}

/* ctest json ROOT: the report's JSON, as app-netutil show --json prints it. */
int ctest_json_main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    netutil_report *r = ctest_collect(argv[1]);
    size_t len = 0;
    const char *json = netutil_report_json(r, &len);
    CHECK(json != NULL && strlen(json) == len);
    CHECK(netutil_report_json(r, NULL) == json);
    fwrite(json, 1, len, stdout);
    netutil_report_free(r);
    return 0;
}

/* ctest long-lists ROOT: the fixture long_lists_64_interfaces. */
int ctest_long_lists_main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    netutil_report *r = ctest_collect(argv[1]);
    CHECK(netutil_report_interface_count(r) == 64);
    for (size_t i = 1; i < 64; i++) {
        const netutil_interface *it = netutil_report_interface(r, i);
        char want[32];
        snprintf(want, sizeof want, "net%zu", i);
        CHECK(strcmp(netutil_interface_name(it), want) == 0);
        CHECK(netutil_interface_dns_nameserver_count(it) == 20);
        CHECK(netutil_interface_dns_search_count(it) == 20);
        CHECK(netutil_interface_ip_count(it) == 16);
        CHECK(netutil_interface_gateway_count(it) == 4);
        for (size_t j = 0; j < 20; j++) {
            char ns[32];
            snprintf(ns, sizeof ns, "10.%zu.%zu.53", i, j);
            CHECK(strcmp(netutil_interface_dns_nameserver(it, j), ns) == 0);
        }
        CHECK(netutil_interface_dns_nameserver(it, 20) == NULL);
    }
    /* Every device type is there. */
    int seen[NETUTIL_DEVICE_UNKNOWN + 1] = {0};
    for (size_t i = 0; i < netutil_report_interface_count(r); i++)
        seen[netutil_interface_device_type(netutil_report_interface(r, i))]++;
    for (int t = 0; t <= NETUTIL_DEVICE_UNKNOWN; t++)
        CHECK(seen[t] > 0);
    netutil_report_free(r);
    printf("long lists: 64 interfaces, 20 nameservers each, every device type\n");
    return 0;
}
