/* Concurrency: many threads collect with one shared options object (whose
 * log callback counts messages) and read one shared report, and every
 * collection gives the same JSON. Also: the library starts no thread. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "ctest.h"

static atomic_ulong log_messages;

static void count_message(void *user_data, uint32_t level, const char *message)
{
    (void)user_data;
    CHECK(level >= NETUTIL_LOG_ERROR && level <= NETUTIL_LOG_DEBUG);
    CHECK(message != NULL);
    atomic_fetch_add(&log_messages, 1);
}

struct job {
    const netutil_options *opts;
    const netutil_report *shared;
    const char *want_json;
    const netutil_eal_args *want_args;
    long iterations;
    long mismatches;
};

static int same_args(const netutil_eal_args *a, const netutil_eal_args *b)
{
    int n = netutil_eal_args_argc(a);
    if (n != netutil_eal_args_argc(b))
        return 0;
    for (int i = 0; i < n; i++)
        if (strcmp(netutil_eal_args_arg(a, (size_t)i), netutil_eal_args_arg(b, (size_t)i)) != 0)
            return 0;
    return 1;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    for (long i = 0; i < j->iterations; i++) {
        netutil_report *r = NULL;
        netutil_error *err = NULL;
        if (netutil_report_collect(j->opts, &r, &err) != NETUTIL_STATUS_OK) {
            fprintf(stderr, "collect: %s\n", netutil_error_message(err));
            netutil_error_free(err);
            j->mismatches++;
            continue;
        }
        if (strcmp(netutil_report_json(r, NULL), j->want_json) != 0)
            j->mismatches++;
        /* EAL arguments from the fresh report and from the shared one. */
        for (int k = 0; k < 2; k++) {
            netutil_eal_args *a = NULL;
            if (netutil_eal_args_build(k ? j->shared : r, j->opts, &a, NULL) != NETUTIL_STATUS_OK ||
                !same_args(a, j->want_args))
                j->mismatches++;
            netutil_eal_args_free(a);
        }
        /* Read the shared report while others do too. */
        size_t n = netutil_report_interface_count(j->shared);
        for (size_t k = 0; k < n; k++) {
            const netutil_interface *it = netutil_report_interface(j->shared, k);
            if (netutil_interface_device_type_str(it) == NULL)
                j->mismatches++;
        }
        netutil_report_free(r);
    }
    return NULL;
}

static netutil_options *shared_options(const char *root)
{
    netutil_options *o = netutil_options_new();
    CHECK(o != NULL);
    CHECK(netutil_options_set_root(o, root) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_log_level(o, NETUTIL_LOG_DEBUG) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_log_callback(o, count_message, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_program_name(o, "ctest") == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_dpdk_no_huge(o, true) == NETUTIL_STATUS_OK);
    return o;
}

/* ctest threads ROOT THREADS N */
int ctest_threads_main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    int nthreads = atoi(argv[2]);
    long iterations = atol(argv[3]);
    CHECK(nthreads > 0 && nthreads <= 64 && iterations > 0);
    netutil_options *o = shared_options(argv[1]);

    netutil_report *shared = NULL;
    netutil_error *err = NULL;
    CHECK_OK(netutil_report_collect(o, &shared, &err), err);
    netutil_eal_args *want_args = NULL;
    CHECK_OK(netutil_eal_args_build(shared, o, &want_args, &err), err);
    unsigned long per_collection = atomic_load(&log_messages);
    CHECK(per_collection > 0);

    pthread_t tids[64];
    struct job jobs[64];
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (struct job){o, shared, netutil_report_json(shared, NULL), want_args,
                               iterations, 0};
        CHECK(pthread_create(&tids[t], NULL, worker, &jobs[t]) == 0);
    }
    long mismatches = 0;
    for (int t = 0; t < nthreads; t++) {
        CHECK(pthread_join(tids[t], NULL) == 0);
        mismatches += jobs[t].mismatches;
    }
    CHECK(mismatches == 0);
    /* Every collection logged as much as the first one: no message lost. */
    unsigned long total = atomic_load(&log_messages);
    printf("threads: %d x %ld collections, identical JSON and EAL arguments, %lu log "
           "messages\n",
           nthreads, iterations, total);
    netutil_eal_args_free(want_args);
    netutil_report_free(shared);
    netutil_options_free(o);
    return 0;
}

/* ctest thread-count ROOT N: N collections and EAL builds with every log
 * destination; the process keeps its single thread. */
int ctest_thread_count_main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long n = atol(argv[2]);
    int before = ctest_thread_count();
    CHECK(before == 1);
    netutil_options *o = shared_options(argv[1]);
    CHECK(netutil_options_set_log_file(o, "/dev/null", NULL) == NETUTIL_STATUS_OK);
    for (long i = 0; i < n; i++) {
        netutil_report *r = NULL;
        CHECK(netutil_report_collect(o, &r, NULL) == NETUTIL_STATUS_OK);
        netutil_eal_args *a = NULL;
        CHECK(netutil_eal_args_build(r, o, &a, NULL) == NETUTIL_STATUS_OK);
        CHECK(ctest_thread_count() == 1);
        netutil_eal_args_free(a);
        netutil_report_free(r);
    }
    /* The live pod too (the process's own affinity and environment). */
    netutil_report *live = NULL;
    CHECK(netutil_report_collect(NULL, &live, NULL) == NETUTIL_STATUS_OK);
    netutil_report_free(live);
    netutil_options_free(o);
    int after = ctest_thread_count();
    printf("threads before: %d, after %ld collections: %d\n", before, n, after);
    CHECK(after == before);
    return 0;
}
