/* The report as two streams for Go: see tape.c. */
#ifndef APPNETUTIL_GO_TAPE_H
#define APPNETUTIL_GO_TAPE_H

#include <stddef.h>
#include <stdint.h>

#include <appnetutil.h>

/* First and last number of a tape: "APNT" and the layout's number (1). */
#define APPNETUTIL_GO_TAPE_MAGIC 0x41504e5401u

/* A string borrowed from the report; p is NULL when absent. */
struct appnetutil_go_str {
    const char *p;
    size_t len;
};

struct appnetutil_go_tape {
    uint64_t *nums;
    size_t num_len;
    struct appnetutil_go_str *strs;
    size_t str_len;
    size_t bytes; /* of all strings */
    size_t ints;  /* numbers that are list items or optional numbers */
};

/* Fills *out with the report r (its arrays malloc'd: free them with
 * appnetutil_go_tape_free). 0 when out of memory. */
int appnetutil_go_tape(const netutil_report *r, struct appnetutil_go_tape *out);

void appnetutil_go_tape_free(struct appnetutil_go_tape *tape);

/* netutil_report_collect(opts, out, err), then, on success,
 * appnetutil_go_tape(*out, tape) (*tape_ok says whether it succeeded): one
 * cgo call instead of two. */
netutil_status appnetutil_go_collect(const netutil_options *opts, netutil_report **out,
                                     netutil_error **err, struct appnetutil_go_tape *tape,
                                     int *tape_ok);

#endif
