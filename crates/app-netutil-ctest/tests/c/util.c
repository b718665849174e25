/* Helpers shared by the C tests (kept out of main.c so that the Rust tests
 * can link them without a second main). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <string.h>

#include "ctest.h"

netutil_report *ctest_collect(const char *root)
{
    netutil_options *o = netutil_options_new();
    CHECK(o != NULL);
    if (root != NULL)
        CHECK(netutil_options_set_root(o, root) == NETUTIL_STATUS_OK);
    netutil_report *r = NULL;
    netutil_error *err = NULL;
    netutil_status s = netutil_report_collect(o, &r, &err);
    CHECK_OK(s, err);
    CHECK(r != NULL && err == NULL);
    netutil_options_free(o);
    return r;
}

char *ctest_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    CHECK(buf != NULL);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            CHECK(buf != NULL);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

int ctest_thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}
