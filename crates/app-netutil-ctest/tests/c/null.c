/* NULL for every pointer argument of every entry point: the NULL status for
 * fallible calls (with an error object naming the argument), NULL, 0,
 * false or -1 for getters, nothing for free functions. Never a crash.
 * tests/c_api.rs checks that every function of the header appears here. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "ctest.h"

#define NUL_ST NETUTIL_STATUS_NULL_ARGUMENT

/* A fallible call given NULL: the NULL status and an error object. */
#define CHECK_NULL_ERR(call_with_err)                                                    \
    do {                                                                                 \
        netutil_error *e_ = NULL;                                                        \
        netutil_error **err = &e_;                                                       \
        CHECK((call_with_err) == NUL_ST);                                                \
        CHECK(e_ != NULL && netutil_error_code(e_) == NUL_ST);                           \
        CHECK(strstr(netutil_error_message(e_), "NULL") != NULL);                        \
        netutil_error_free(e_);                                                          \
    } while (0)

static void noop_log(void *u, uint32_t l, const char *m)
{
    (void)u;
    (void)l;
    (void)m;
}

/* ctest null-args ROOT (a pod whose net1 has an MTU and whose container
 * has a hugepage request: long_lists_64_interfaces) */
int ctest_null_args_main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    /* Static answers. */
    CHECK(netutil_status_str(NUL_ST) != NULL);
    CHECK(strcmp(netutil_status_str(0), "success") == 0);
    CHECK(strcmp(netutil_status_str(4000000000u), "unknown status") == 0);
    CHECK(netutil_abi_version() == NETUTIL_ABI_VERSION);
    CHECK(netutil_version() != NULL && netutil_version()[0] != '\0');

    /* Errors. */
    CHECK(netutil_error_code(NULL) == NUL_ST);
    CHECK(netutil_error_message(NULL) == NULL);
    netutil_error_free(NULL);

    /* Options: NULL object. */
    netutil_options_free(NULL);
    CHECK(netutil_options_set_root(NULL, "/") == NUL_ST);
    CHECK(netutil_options_set_podinfo_dir(NULL, "/") == NUL_ST);
    CHECK(netutil_options_set_dra_dir(NULL, "/") == NUL_ST);
    CHECK(netutil_options_set_log_level(NULL, 1) == NUL_ST);
    CHECK(netutil_options_set_log_stderr(NULL, true) == NUL_ST);
    CHECK_NULL_ERR(netutil_options_set_log_file(NULL, "/dev/null", err));
    CHECK(netutil_options_set_log_file(NULL, "/dev/null", NULL) == NUL_ST);
    CHECK(netutil_options_set_log_callback(NULL, noop_log, NULL) == NUL_ST);
    CHECK(netutil_options_set_dpdk_version(NULL, "22.11") == NUL_ST);
    CHECK(netutil_options_add_dpdk_network(NULL, "n") == NUL_ST);
    CHECK(netutil_options_add_dpdk_interface(NULL, "i") == NUL_ST);
    CHECK(netutil_options_add_dpdk_devargs(NULL, "t", "d") == NUL_ST);
    CHECK(netutil_options_add_dpdk_eal_arg(NULL, "-v") == NUL_ST);
    CHECK(netutil_options_set_dpdk_lcore_count(NULL, 1) == NUL_ST);
    CHECK(netutil_options_set_dpdk_max_lcore(NULL, 1) == NUL_ST);
    CHECK(netutil_options_set_dpdk_main_cpu(NULL, 1) == NUL_ST);
    CHECK(netutil_options_set_dpdk_page_size(NULL, "2Mi") == NUL_ST);
    CHECK(netutil_options_set_dpdk_memory_mib(NULL, 1) == NUL_ST);
    CHECK(netutil_options_set_dpdk_huge_dir(NULL, "/") == NUL_ST);
    CHECK(netutil_options_set_dpdk_in_memory(NULL, true) == NUL_ST);
    CHECK(netutil_options_set_dpdk_no_huge(NULL, true) == NUL_ST);
    CHECK(netutil_options_set_dpdk_file_prefix(NULL, "p") == NUL_ST);
    CHECK(netutil_options_set_dpdk_hostname(NULL, "h") == NUL_ST);
    CHECK(netutil_options_set_dpdk_program_name(NULL, "p") == NUL_ST);

    /* Options: NULL for a required string; NULL for an optional one resets. */
    netutil_options *o = netutil_options_new();
    CHECK(o != NULL);
    CHECK(netutil_options_add_dpdk_network(o, NULL) == NUL_ST);
    CHECK(netutil_options_add_dpdk_interface(o, NULL) == NUL_ST);
    CHECK(netutil_options_add_dpdk_devargs(o, NULL, "d") == NUL_ST);
    CHECK(netutil_options_add_dpdk_devargs(o, "t", NULL) == NUL_ST);
    CHECK(netutil_options_add_dpdk_eal_arg(o, NULL) == NUL_ST);
    CHECK(netutil_options_set_root(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_podinfo_dir(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dra_dir(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_log_file(o, NULL, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_log_callback(o, NULL, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_version(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_page_size(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_huge_dir(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_file_prefix(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_hostname(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_program_name(o, NULL) == NETUTIL_STATUS_OK);

    /* Collect: NULL out; NULL options are allowed (the defaults). */
    CHECK_NULL_ERR(netutil_report_collect(o, NULL, err));
    CHECK(netutil_report_collect(NULL, NULL, NULL) == NUL_ST);
    netutil_report_free(NULL);

    /* Report getters on NULL. */
    size_t len = 7;
    uint32_t u = 7;
    uint64_t t = 7, f = 7;
    CHECK(netutil_report_json(NULL, &len) == NULL && len == 0);
    CHECK(netutil_report_json(NULL, NULL) == NULL);
    CHECK(netutil_report_warning_count(NULL) == 0);
    CHECK(netutil_report_warning(NULL, 0) == NULL);
    CHECK(netutil_report_warning_code(NULL, 0) == NULL);
    CHECK(netutil_report_warning_subject(NULL, 0) == NULL);
    len = 7;
    CHECK(netutil_report_cpus(NULL, &len) == NULL && len == 0);
    CHECK(netutil_report_cpuset(NULL) == NULL);
    CHECK(netutil_report_cpu_source(NULL) == NULL);
    CHECK(netutil_report_cpus_exclusive(NULL) == -1);
    CHECK(netutil_report_cpu_numa_node_count(NULL) == 0);
    CHECK(netutil_report_cpu_numa_node(NULL, 0, &u, &len) == NULL);
    CHECK(netutil_report_cpus_isolated(NULL, &len) == NULL);
    CHECK(netutil_report_cpu_smt_group_count(NULL) == 0);
    CHECK(netutil_report_cpu_smt_group(NULL, 0, &len) == NULL);
    CHECK(netutil_report_container_name(NULL) == NULL);
    CHECK(netutil_report_pod_hostname(NULL) == NULL);
    CHECK(netutil_report_pod_name(NULL) == NULL);
    CHECK(netutil_report_pod_namespace(NULL) == NULL);
    CHECK(netutil_report_pod_uid(NULL) == NULL);
    CHECK(netutil_report_container_count(NULL) == 0);
    CHECK(netutil_report_container(NULL, 0) == NULL);
    CHECK(netutil_report_own_container(NULL) == NULL);
    CHECK(netutil_report_cgroup_limit_count(NULL) == 0);
    CHECK(netutil_report_cgroup_limit_size(NULL, 0) == NULL);
    CHECK(netutil_report_cgroup_limit_mib(NULL, 0) == 0);
    CHECK(netutil_report_hugetlbfs_mount_count(NULL) == 0);
    CHECK(netutil_report_hugetlbfs_mount_path(NULL, 0) == NULL);
    CHECK(netutil_report_hugetlbfs_mount_page_size(NULL, 0) == NULL);
    CHECK(netutil_report_host_pool_count(NULL) == 0);
    CHECK(netutil_report_host_pool_size(NULL, 0) == NULL);
    CHECK(!netutil_report_host_pool(NULL, 0, &t, &f));
    CHECK(netutil_report_host_pool_node_count(NULL, 0) == 0);
    CHECK(!netutil_report_host_pool_node(NULL, 0, 0, &u, &t, &f));
    CHECK(netutil_report_interface_count(NULL) == 0);
    CHECK(netutil_report_interface(NULL, 0) == NULL);
    CHECK(netutil_report_interface_by_name(NULL, "eth0") == NULL);

    /* Container getters on NULL. */
    CHECK(netutil_container_name(NULL) == NULL);
    CHECK(netutil_container_request_count(NULL) == 0);
    CHECK(netutil_container_request_size(NULL, 0) == NULL);
    CHECK(netutil_container_request_mib(NULL, 0) == 0);
    CHECK(netutil_container_limit_count(NULL) == 0);
    CHECK(netutil_container_limit_size(NULL, 0) == NULL);
    CHECK(netutil_container_limit_mib(NULL, 0) == 0);
    CHECK(!netutil_container_request_mib_for(NULL, "1Gi", &t));
    CHECK(!netutil_container_limit_mib_for(NULL, "1Gi", &t));

    /* Interface getters on NULL. */
    const netutil_interface *it = NULL;
    CHECK(netutil_interface_name(it) == NULL);
    CHECK(netutil_interface_network(it) == NULL);
    CHECK(!netutil_interface_is_default(it));
    CHECK(netutil_interface_device_type(it) == NETUTIL_DEVICE_UNKNOWN);
    CHECK(netutil_interface_device_type_str(it) == NULL);
    CHECK(netutil_interface_mac(it) == NULL);
    CHECK(netutil_interface_infiniband_guid(it) == NULL);
    CHECK(netutil_interface_ip_count(it) == 0);
    CHECK(netutil_interface_ip(it, 0) == NULL);
    CHECK(!netutil_interface_mtu(it, &t));
    CHECK(netutil_interface_gateway_count(it) == 0);
    CHECK(netutil_interface_gateway(it, 0) == NULL);
    CHECK(netutil_interface_route_count(it) == 0);
    CHECK(netutil_interface_route_dst(it, 0) == NULL);
    CHECK(netutil_interface_route_gw(it, 0) == NULL);
    CHECK(netutil_interface_dns_nameserver_count(it) == 0);
    CHECK(netutil_interface_dns_nameserver(it, 0) == NULL);
    CHECK(netutil_interface_dns_search_count(it) == 0);
    CHECK(netutil_interface_dns_search(it, 0) == NULL);
    CHECK(netutil_interface_dns_option_count(it) == 0);
    CHECK(netutil_interface_dns_option(it, 0) == NULL);
    CHECK(netutil_interface_dns_domain(it) == NULL);
    CHECK(netutil_interface_pci_address(it) == NULL);
    CHECK(netutil_interface_socket_path(it) == NULL);
    CHECK(!netutil_interface_has_devinfo(it));
    CHECK(netutil_interface_devinfo_type(it) == NULL);
    CHECK(netutil_interface_devinfo_version(it) == NULL);
    CHECK(netutil_interface_devinfo_pci_address(it) == NULL);
    CHECK(netutil_interface_devinfo_pci_vhost_net(it) == NULL);
    CHECK(netutil_interface_devinfo_pci_rdma_device(it) == NULL);
    CHECK(netutil_interface_devinfo_pci_pf_pci_address(it) == NULL);
    CHECK(netutil_interface_devinfo_pci_representor_device(it) == NULL);
    CHECK(netutil_interface_devinfo_vdpa_parent_device(it) == NULL);
    CHECK(netutil_interface_devinfo_vdpa_driver(it) == NULL);
    CHECK(netutil_interface_devinfo_vdpa_path(it) == NULL);
    CHECK(netutil_interface_devinfo_vdpa_pci_address(it) == NULL);
    CHECK(netutil_interface_devinfo_vdpa_pf_pci_address(it) == NULL);
    CHECK(netutil_interface_devinfo_vdpa_representor_device(it) == NULL);
    CHECK(netutil_interface_devinfo_vhost_user_mode(it) == NULL);
    CHECK(netutil_interface_devinfo_vhost_user_path(it) == NULL);
    CHECK(netutil_interface_devinfo_vhost_user_group(it) == NULL);
    CHECK(netutil_interface_devinfo_memif_role(it) == NULL);
    CHECK(netutil_interface_devinfo_memif_mode(it) == NULL);
    CHECK(netutil_interface_devinfo_memif_path(it) == NULL);
    CHECK(netutil_interface_device_id(it) == NULL);
    CHECK(netutil_interface_resource_env(it) == NULL);
    CHECK(netutil_interface_device_plugin_info(it) == NULL);
    CHECK(!netutil_interface_has_pcidev(it));
    CHECK(!netutil_interface_pcidev_numa_node(it, &u));
    CHECK(netutil_interface_pcidev_driver(it) == NULL);
    CHECK(!netutil_interface_pcidev_iommu_group(it, &u));
    CHECK(netutil_interface_pcidev_vfio_device(it) == NULL);
    CHECK(netutil_interface_pcidev_netdev_count(it) == 0);
    CHECK(netutil_interface_pcidev_netdev(it, 0) == NULL);
    CHECK(netutil_interface_pcidev_vendor(it) == NULL);
    CHECK(netutil_interface_pcidev_device(it) == NULL);
    CHECK(netutil_interface_pcidev_physfn(it) == NULL);
    CHECK(netutil_interface_source_count(it) == 0);
    CHECK(netutil_interface_source(it, 0) == NULL);
    CHECK(!netutil_interface_has_dra(it));
    CHECK(netutil_interface_dra_driver(it) == NULL);
    CHECK(netutil_interface_dra_pool(it) == NULL);
    CHECK(netutil_interface_dra_device(it) == NULL);
    CHECK(netutil_interface_dra_claim_namespace(it) == NULL);
    CHECK(netutil_interface_dra_claim_name(it) == NULL);
    CHECK(netutil_interface_dra_claim_uid(it) == NULL);
    CHECK(netutil_interface_dra_pod_claim_name(it) == NULL);
    CHECK(netutil_interface_dra_request(it) == NULL);
    CHECK(netutil_interface_dra_metadata_file(it) == NULL);
    CHECK(netutil_interface_dra_metadata_version(it) == NULL);
    CHECK(netutil_interface_dra_network_data(it) == NULL);
    {
        int64_t g = 5;
        CHECK(!netutil_interface_dra_generation(it, &g) && g == 5);
    }
    CHECK(netutil_interface_dra_attribute_count(it) == 0);
    CHECK(netutil_interface_dra_attribute_name(it, 0) == NULL);
    CHECK(netutil_interface_dra_attribute_json(it, 0) == NULL);
    CHECK(netutil_interface_dra_env_count(it) == 0);
    CHECK(netutil_interface_dra_env_name(it, 0) == NULL);
    CHECK(netutil_interface_dra_env_value(it, 0) == NULL);

    /* EAL arguments on NULL (more below, with a report). */
    CHECK(netutil_eal_args_build(NULL, NULL, NULL, NULL) == NUL_ST);
    netutil_eal_args_free(NULL);
    CHECK(netutil_eal_args_argc(NULL) == 0);
    CHECK(netutil_eal_args_argv(NULL) == NULL);
    CHECK(netutil_eal_args_arg(NULL, 0) == NULL);
    CHECK(netutil_eal_args_warning_count(NULL) == 0);
    CHECK(netutil_eal_args_warning(NULL, 0) == NULL);

    /* A real report: NULL out-pointers and NULL strings. (The NUMA, host
     * pool and pci-device getters are also tested with NULL out-pointers
     * on a report with every field, in tests/full_report.rs.) */
    netutil_report *r = ctest_collect(argv[1]);
    CHECK(netutil_report_json(r, NULL) != NULL);
    CHECK(netutil_report_cpus(r, NULL) == NULL);
    CHECK(netutil_report_cpus(r, &len) != NULL && len > 0);
    CHECK(netutil_report_cpu_numa_node(r, 0, NULL, &len) == NULL && len == 0);
    CHECK(netutil_report_cpu_numa_node(r, 0, &u, NULL) == NULL);
    CHECK(netutil_report_cpus_isolated(r, NULL) == NULL);
    CHECK(netutil_report_cpu_smt_group(r, 0, NULL) == NULL);
    CHECK(!netutil_report_host_pool(r, 0, NULL, &f));
    CHECK(!netutil_report_host_pool(r, 0, &t, NULL));
    CHECK(!netutil_report_host_pool_node(r, 0, 0, NULL, &t, &f));
    CHECK(!netutil_report_host_pool_node(r, 0, 0, &u, NULL, &f));
    CHECK(!netutil_report_host_pool_node(r, 0, 0, &u, &t, NULL));
    CHECK(netutil_report_interface_by_name(r, NULL) == NULL);
    CHECK(netutil_report_interface_by_name(r, "eth0") == netutil_report_interface(r, 0));
    const netutil_container *c = netutil_report_own_container(r);
    CHECK(c != NULL);
    const char *size = netutil_container_request_size(c, 0);
    CHECK(size != NULL);
    t = 9;
    CHECK(!netutil_container_request_mib_for(c, NULL, &t) && t == 9);
    CHECK(!netutil_container_request_mib_for(c, size, NULL));
    CHECK(!netutil_container_limit_mib_for(c, NULL, &t) && t == 9);
    CHECK(!netutil_container_limit_mib_for(c, size, NULL));
    CHECK(netutil_container_request_mib_for(c, size, &t) && t != 9);
    it = netutil_report_interface(r, 1);
    CHECK(!netutil_interface_mtu(it, NULL));
    CHECK(netutil_interface_mtu(it, &t) && t == 9000);
    CHECK(!netutil_interface_pcidev_numa_node(it, NULL));
    CHECK(!netutil_interface_pcidev_iommu_group(it, NULL));

    netutil_eal_args *a = (netutil_eal_args *)&a; /* must be overwritten */
    CHECK_NULL_ERR(netutil_eal_args_build(NULL, o, &a, err));
    CHECK(a == NULL);
    CHECK_NULL_ERR(netutil_eal_args_build(r, o, NULL, err));
    CHECK(netutil_eal_args_build(r, NULL, &a, NULL) == NETUTIL_STATUS_OK);
    CHECK(a != NULL && netutil_eal_args_argc(a) >= 1);
    netutil_eal_args_free(a);

    netutil_report_free(r);
    netutil_options_free(o);
    printf("null arguments: every entry point answered\n");
    return 0;
}
