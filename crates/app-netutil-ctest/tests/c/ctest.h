/*
 * Shared helpers of the C tests of libappnetutil (ctest <test> [args]).
 * Every test exits 0 on success; a failed CHECK prints where and exits 1.
 */
#ifndef NETUTIL_CTEST_H
#define NETUTIL_CTEST_H

#include <stdio.h>
#include <stdlib.h>

#include <appnetutil.h>

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);     \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

/* Fails with the error's message unless status is NETUTIL_STATUS_OK. */
#define CHECK_OK(status, err)                                                            \
    do {                                                                                 \
        netutil_status s_ = (status);                                                    \
        if (s_ != NETUTIL_STATUS_OK) {                                                   \
            fprintf(stderr, "%s:%d: status %u (%s): %s\n", __FILE__, __LINE__,           \
                    (unsigned)s_, netutil_status_str(s_),                                \
                    (err) ? netutil_error_message(err) : "(no error object)");           \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

/* A report of the pod below root (NULL: "/"); exits on failure. */
netutil_report *ctest_collect(const char *root);

/* Prints every value of a report, one `path=value` line each (dump.c). */
void ctest_dump(FILE *out, const netutil_report *r);

/* The dump of a report into a file; 0 on success (for the Rust tests). */
int ctest_dump_path(const netutil_report *r, const char *path);

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
char *ctest_read_file(const char *path, size_t *len);

/* The number of threads of this process (entries of /proc/self/task). */
int ctest_thread_count(void);

int ctest_dump_main(int argc, char **argv);
int ctest_json_main(int argc, char **argv);
int ctest_argv_main(int argc, char **argv);
int ctest_options_main(int argc, char **argv);
int ctest_threads_main(int argc, char **argv);
int ctest_thread_count_main(int argc, char **argv);
int ctest_null_args_main(int argc, char **argv);
int ctest_logging_main(int argc, char **argv);
int ctest_errors_main(int argc, char **argv);
int ctest_long_lists_main(int argc, char **argv);

#endif
