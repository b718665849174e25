/* The C test program: `ctest <test> [args]`, run by crates/app-netutil-ctest/tests
 * (cargo test) and, under valgrind and AddressSanitizer, by scripts/test. */
#include <string.h>

#include "ctest.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} TESTS[] = {
    {"dump", ctest_dump_main, "ROOT...              print every getter's value"},
    {"json", ctest_json_main, "ROOT                 print netutil_report_json()"},
    {"argv", ctest_argv_main, "ROOT                 EAL argv: permute, write, free"},
    {"options", ctest_options_main, "ROOT                 EAL arguments with every DPDK option set"},
    {"threads", ctest_threads_main, "ROOT THREADS N       THREADS threads collect N times each"},
    {"thread-count", ctest_thread_count_main, "ROOT N               the library starts no thread"},
    {"null-args", ctest_null_args_main, "ROOT                 NULL for every pointer argument"},
    {"logging", ctest_logging_main, "ROOT DIR             log levels, callback, file, stderr"},
    {"errors", ctest_errors_main, "ROOT                 every failure status and message"},
    {"long-lists", ctest_long_lists_main, "ROOT                 64 interfaces, 20 nameservers"},
};

int main(int argc, char **argv)
{
    if (netutil_abi_version() != NETUTIL_ABI_VERSION) {
        fprintf(stderr, "libappnetutil ABI %u, header %u\n", netutil_abi_version(),
                (unsigned)NETUTIL_ABI_VERSION);
        return 1;
    }
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++)
            if (strcmp(argv[1], TESTS[i].name) == 0)
                return TESTS[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "usage: ctest TEST [ARGS]\n");
    for (size_t i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++)
        fprintf(stderr, "  %-13s %s\n", TESTS[i].name, TESTS[i].usage);
    return 2;
}
