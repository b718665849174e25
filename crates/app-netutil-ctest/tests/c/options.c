/* Every DPDK setter reaches the EAL arguments (compared with the Rust
 * library's own arguments for the same options in tests/c_api.rs). */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "ctest.h"

/* ctest options ROOT MODE: prints argv[1..], one per line, then the
 * warnings prefixed with "warning: "; or, when the options do not fit the
 * pod, one line "error: MESSAGE". */
int ctest_options_main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    netutil_report *r = ctest_collect(argv[1]);
    netutil_options *o = netutil_options_new();
    CHECK(o != NULL);
    if (strcmp(argv[2], "all") == 0) {
        CHECK(netutil_options_set_dpdk_version(o, "22.11.4") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_add_dpdk_network(o, "sriov-net-a") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_add_dpdk_interface(o, "net1") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_add_dpdk_devargs(o, "net1", "rxq_cqe_comp_en=1") ==
              NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_lcore_count(o, 2) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_max_lcore(o, 5) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_main_cpu(o, 5) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_page_size(o, "1G") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_memory_mib(o, 1024) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_huge_dir(o, "/mnt/huge") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_in_memory(o, true) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_file_prefix(o, "pfx") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_add_dpdk_eal_arg(o, "--log-level=8") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_add_dpdk_eal_arg(o, "-n") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_add_dpdk_eal_arg(o, "4") == NETUTIL_STATUS_OK);
    } else if (strcmp(argv[2], "hostname") == 0) {
        /* The file prefix from a given host name, no-huge. */
        CHECK(netutil_options_set_dpdk_hostname(o, "my-pod") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_no_huge(o, true) == NETUTIL_STATUS_OK);
    } else if (strcmp(argv[2], "reset") == 0) {
        /* Set, then restore every default: the same as "default". */
        CHECK(netutil_options_set_dpdk_version(o, "20.11") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_version(o, NULL) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_lcore_count(o, 1) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_lcore_count(o, 0) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_max_lcore(o, 2) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_max_lcore(o, 0) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_main_cpu(o, 7) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_main_cpu(o, -1) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_page_size(o, "2Mi") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_page_size(o, NULL) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_memory_mib(o, 5) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_memory_mib(o, 0) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_huge_dir(o, "/x") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_huge_dir(o, NULL) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_in_memory(o, true) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_in_memory(o, false) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_no_huge(o, true) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_no_huge(o, false) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_file_prefix(o, "p") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_file_prefix(o, NULL) == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_hostname(o, "h") == NETUTIL_STATUS_OK);
        CHECK(netutil_options_set_dpdk_hostname(o, NULL) == NETUTIL_STATUS_OK);
    } else if (strcmp(argv[2], "default") != 0) {
        return 2;
    }
    CHECK(netutil_options_set_dpdk_program_name(o, "prog") == NETUTIL_STATUS_OK);
    netutil_eal_args *a = NULL;
    netutil_error *err = NULL;
    netutil_status st = netutil_eal_args_build(r, o, &a, &err);
    if (st != NETUTIL_STATUS_OK) {
        /* Options that do not fit the pod: the message, as the Rust
         * library's error says it. */
        CHECK(st == NETUTIL_STATUS_EAL_OPTIONS && a == NULL && err != NULL);
        CHECK(netutil_error_code(err) == st);
        printf("error: %s\n", netutil_error_message(err));
        netutil_error_free(err);
        netutil_options_free(o);
        netutil_report_free(r);
        return 0;
    }
    CHECK(a != NULL && err == NULL);
    char **av = netutil_eal_args_argv(a);
    CHECK(strcmp(av[0], "prog") == 0);
    for (int i = 1; i < netutil_eal_args_argc(a); i++)
        printf("%s\n", av[i]);
    for (size_t i = 0; i < netutil_eal_args_warning_count(a); i++)
        printf("warning: %s\n", netutil_eal_args_warning(a, i));
    netutil_eal_args_free(a);
    netutil_options_free(o);
    netutil_report_free(r);
    return 0;
}
