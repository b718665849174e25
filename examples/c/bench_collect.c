/* Collection time through the C ABI, and the threads the library leaves
 * behind (none): bench_collect ROOT [N] */
#define _POSIX_C_SOURCE 199309L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "appnetutil.h"

static int threads(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ROOT [N]\n", argv[0]);
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 1000;
    netutil_options *opts = netutil_options_new();
    netutil_options_set_root(opts, argv[1]);
    int before = threads();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        netutil_report *r = NULL;
        if (netutil_report_collect(opts, &r, NULL) != NETUTIL_STATUS_OK)
            return 1;
        netutil_report_free(r);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
    printf("%s: %.1f us per collection through the C ABI; threads %d before, %d after\n",
           argv[1], us, before, threads());
    netutil_options_free(opts);
    return 0;
}
