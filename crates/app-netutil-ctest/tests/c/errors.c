/* Every failure: its status, its error object, and nothing else changed. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "ctest.h"

/* The call runs before its error is read (argument evaluation order). */
#define EXPECT(call, want, needle)                                                       \
    do {                                                                                 \
        netutil_status got_ = (call);                                                    \
        expect(got_, err, want, needle);                                                 \
        err = NULL;                                                                      \
    } while (0)

static void expect(netutil_status got, netutil_error *err, netutil_status want, const char *needle)
{
    if (got != want || err == NULL || netutil_error_code(err) != want ||
        strstr(netutil_error_message(err), needle) == NULL) {
        fprintf(stderr, "want status %u with \"%s\", got %u: %s\n", (unsigned)want, needle,
                (unsigned)got, err ? netutil_error_message(err) : "(no error)");
        exit(1);
    }
    netutil_error_free(err);
}

/* ctest errors ROOT (a pod with an SR-IOV interface net1) */
int ctest_errors_main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    netutil_error *err = NULL;
    netutil_report *r = NULL;
    netutil_options *o = netutil_options_new();

    /* An unusable root or downward-API directory. */
    CHECK(netutil_options_set_root(o, "/no/such/pod/root") == NETUTIL_STATUS_OK);
    EXPECT(netutil_report_collect(o, &r, &err), NETUTIL_STATUS_POD_UNREADABLE,
           "/no/such/pod/root");
    CHECK(r == NULL);
    CHECK(netutil_options_set_root(o, argv[1]) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_podinfo_dir(o, "/no/such/podinfo") == NETUTIL_STATUS_OK);
    EXPECT(netutil_report_collect(o, &r, &err), NETUTIL_STATUS_POD_UNREADABLE,
           "/no/such/podinfo");
    CHECK(netutil_options_set_podinfo_dir(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dra_dir(o, "/no/such/dra") == NETUTIL_STATUS_OK);
    EXPECT(netutil_report_collect(o, &r, &err), NETUTIL_STATUS_POD_UNREADABLE, "/no/such/dra");
    CHECK(netutil_options_set_dra_dir(o, NULL) == NETUTIL_STATUS_OK);
    /* A failure without an error object. */
    CHECK(netutil_options_set_root(o, "/no/such/pod/root") == NETUTIL_STATUS_OK);
    CHECK(netutil_report_collect(o, &r, NULL) == NETUTIL_STATUS_POD_UNREADABLE && r == NULL);
    CHECK(netutil_options_set_root(o, argv[1]) == NETUTIL_STATUS_OK);

    netutil_report *live = ctest_collect(argv[1]);

    /* Setters refuse values they cannot use and keep the old one. */
    CHECK(netutil_options_set_dpdk_version(o, "twenty-two") == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_set_dpdk_version(o, "22.13") == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_set_dpdk_page_size(o, "huge") == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_set_dpdk_page_size(o, "0") == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_set_dpdk_main_cpu(o, 5000000000LL) == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_add_dpdk_network(o, "\xff") == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_add_dpdk_devargs(o, "net1", "\xc3") == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_set_dpdk_file_prefix(o, "\xff") == NETUTIL_STATUS_INVALID_ARGUMENT);
    /* A path is bytes: not UTF-8 is fine (and then not a directory). */
    CHECK(netutil_options_set_podinfo_dir(o, "/tmp/\xff") == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_podinfo_dir(o, NULL) == NETUTIL_STATUS_OK);

    /* EAL options that do not fit the report. */
    netutil_eal_args *a = NULL;
    CHECK(netutil_options_add_dpdk_network(o, "no-such-network") == NETUTIL_STATUS_OK);
    EXPECT(netutil_eal_args_build(live, o, &a, &err), NETUTIL_STATUS_EAL_OPTIONS,
           "no-such-network");
    CHECK(a == NULL);
    netutil_options_free(o);
    o = netutil_options_new();
    CHECK(netutil_options_set_dpdk_main_cpu(o, 4000000) == NETUTIL_STATUS_OK);
    EXPECT(netutil_eal_args_build(live, o, &a, &err), NETUTIL_STATUS_EAL_OPTIONS,
           "main CPU 4000000");
    CHECK(netutil_options_set_dpdk_main_cpu(o, -1) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_file_prefix(o, "a%b") == NETUTIL_STATUS_OK);
    EXPECT(netutil_eal_args_build(live, o, &a, &err), NETUTIL_STATUS_EAL_OPTIONS, "a%b");
    CHECK(netutil_options_set_dpdk_file_prefix(o, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_add_dpdk_devargs(o, "nothing-like-this", "x=1") == NETUTIL_STATUS_OK);
    EXPECT(netutil_eal_args_build(live, o, &a, &err), NETUTIL_STATUS_EAL_OPTIONS,
           "nothing-like-this");
    netutil_options_free(o);

    /* Status texts. */
    for (uint32_t st = 0; st <= NETUTIL_STATUS_PANIC; st++)
        CHECK(strcmp(netutil_status_str(st), "unknown status") != 0);
    CHECK(strcmp(netutil_status_str(NETUTIL_STATUS_PANIC + 1), "unknown status") == 0);

    netutil_report_free(live);
    printf("errors: every failure has its status and message\n");
    return 0;
}
