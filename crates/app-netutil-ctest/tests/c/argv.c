/* EAL arguments: argv is mutable and NULL-terminated, and freeing stays
 * correct whatever the caller (rte_eal_init, getopt) did to it. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "ctest.h"

static netutil_eal_args *build(const netutil_report *r, const char *prefix)
{
    netutil_options *o = netutil_options_new();
    CHECK(o != NULL);
    CHECK(netutil_options_set_dpdk_program_name(o, "ctest-app") == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_no_huge(o, true) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_memory_mib(o, 64) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_file_prefix(o, prefix) == NETUTIL_STATUS_OK);
    netutil_eal_args *a = NULL;
    netutil_error *err = NULL;
    CHECK_OK(netutil_eal_args_build(r, o, &a, &err), err);
    CHECK(a != NULL && err == NULL);
    /* The arguments do not depend on the options living on. */
    netutil_options_free(o);
    return a;
}

/* ctest argv ROOT: prints the arguments, one per line, then permutes them. */
int ctest_argv_main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    netutil_report *r = ctest_collect(argv[1]);

    /* 1. The shape rte_eal_init wants. */
    netutil_eal_args *a = build(r, "ctest");
    int n = netutil_eal_args_argc(a);
    char **av = netutil_eal_args_argv(a);
    CHECK(n >= 2 && av != NULL);
    CHECK(av[n] == NULL);
    CHECK(strcmp(av[0], "ctest-app") == 0);
    for (int i = 0; i < n; i++) {
        CHECK(av[i] != NULL);
        CHECK(strcmp(av[i], netutil_eal_args_arg(a, (size_t)i)) == 0);
        printf("%s\n", av[i]);
    }
    CHECK(netutil_eal_args_arg(a, (size_t)n) == NULL);
    CHECK(netutil_eal_args_argv(a) == av); /* the same array every time */
    size_t w = netutil_eal_args_warning_count(a);
    for (size_t i = 0; i < w; i++)
        CHECK(netutil_eal_args_warning(a, i) != NULL);
    CHECK(netutil_eal_args_warning(a, w) == NULL);

    /* 2. Permute as getopt does, write into the strings as a parser that
     *    splits in place would, then free: valgrind and ASan check the
     *    frees, the originals stay readable. */
    for (int i = 1, j = n - 1; i < j; i++, j--) {
        char *t = av[i];
        av[i] = av[j];
        av[j] = t;
    }
    for (int i = 1; i < n; i++) {
        size_t len = strlen(av[i]);
        if (len > 1)
            av[i][len / 2] = '\0';
    }
    av[n - 1] = av[0]; /* a pointer twice, one lost: still one free each */
    for (int i = 0; i < n; i++)
        CHECK(netutil_eal_args_arg(a, (size_t)i) != NULL);
    CHECK(strcmp(netutil_eal_args_arg(a, 0), "ctest-app") == 0);

    /* 3. Free the report first, then the arguments: they do not borrow. */
    netutil_eal_args *b = build(r, "ctest2");
    netutil_report_free(r);
    CHECK(netutil_eal_args_argc(b) == n);
    netutil_eal_args_free(a);
    netutil_eal_args_free(b);
    netutil_eal_args_free(NULL);
    return 0;
}
