/* Logging: levels, callback with user data, file, stderr; no logger by
 * default. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "ctest.h"

struct seen {
    unsigned by_level[5];
    unsigned total;
    int saw_found;   /* info: "found N interfaces ..." */
    int saw_eal;     /* info: "EAL arguments: ..." */
    int saw_collect; /* debug: "collecting from root ..." */
};

static void on_log(void *user_data, uint32_t level, const char *message)
{
    struct seen *s = user_data;
    CHECK(level >= NETUTIL_LOG_ERROR && level <= NETUTIL_LOG_DEBUG);
    CHECK(message != NULL && strchr(message, '\n') == NULL);
    s->by_level[level]++;
    s->total++;
    if (strncmp(message, "found ", 6) == 0)
        s->saw_found = 1;
    if (strncmp(message, "EAL arguments: ", 15) == 0)
        s->saw_eal = 1;
    if (strncmp(message, "collecting from root ", 21) == 0)
        s->saw_collect = 1;
}

static size_t count_lines(const char *path)
{
    size_t len = 0, n = 0;
    char *text = ctest_read_file(path, &len);
    for (char *p = text; *p; p++)
        if (*p == '\n')
            n++;
    /* Every line has the format of standard error. */
    for (char *line = text; *line; line = strchr(line, '\n') + 1)
        CHECK(strncmp(line, "app-netutil: ", 13) == 0);
    free(text);
    return n;
}

static netutil_report *collect(const netutil_options *o)
{
    netutil_report *r = NULL;
    netutil_error *err = NULL;
    CHECK_OK(netutil_report_collect(o, &r, &err), err);
    return r;
}

/* ctest logging ROOT DIR */
int ctest_logging_main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/netutil.log", argv[2]);
    remove(path); /* from an earlier run */
    struct seen s;
    memset(&s, 0, sizeof s);
    netutil_options *o = netutil_options_new();
    CHECK(netutil_options_set_root(o, argv[1]) == NETUTIL_STATUS_OK);

    /* 1. Nothing is logged without a destination, whatever the level. */
    CHECK(netutil_options_set_log_level(o, NETUTIL_LOG_DEBUG) == NETUTIL_STATUS_OK);
    netutil_report_free(collect(o));

    /* 2. Debug: the callback gets every level, the file every line. */
    CHECK(netutil_options_set_log_callback(o, on_log, &s) == NETUTIL_STATUS_OK);
    netutil_error *err = NULL;
    CHECK_OK(netutil_options_set_log_file(o, path, &err), err);
    netutil_report *r = collect(o);
    size_t warnings = netutil_report_warning_count(r);
    CHECK(s.saw_collect && s.saw_found);
    CHECK(s.by_level[NETUTIL_LOG_WARNING] == warnings);
    CHECK(s.by_level[NETUTIL_LOG_DEBUG] > 0 && s.by_level[NETUTIL_LOG_INFO] > 0);
    CHECK(count_lines(path) == s.total);

    /* 3. The EAL arguments are logged at info, their warnings at warning. */
    CHECK(netutil_options_set_dpdk_no_huge(o, true) == NETUTIL_STATUS_OK);
    netutil_eal_args *a = NULL;
    unsigned warned = s.by_level[NETUTIL_LOG_WARNING];
    CHECK_OK(netutil_eal_args_build(r, o, &a, &err), err);
    CHECK(s.saw_eal);
    CHECK(s.by_level[NETUTIL_LOG_WARNING] - warned == netutil_eal_args_warning_count(a));
    netutil_eal_args_free(a);
    netutil_report_free(r);
    CHECK(count_lines(path) == s.total);

    /* 4. Warning level: warnings only; none: nothing. */
    memset(&s, 0, sizeof s);
    CHECK(netutil_options_set_log_level(o, NETUTIL_LOG_WARNING) == NETUTIL_STATUS_OK);
    r = collect(o);
    CHECK(s.total == netutil_report_warning_count(r));
    CHECK(s.by_level[NETUTIL_LOG_DEBUG] == 0 && s.by_level[NETUTIL_LOG_INFO] == 0);
    netutil_report_free(r);
    memset(&s, 0, sizeof s);
    CHECK(netutil_options_set_log_level(o, NETUTIL_LOG_NONE) == NETUTIL_STATUS_OK);
    netutil_report_free(collect(o));
    CHECK(s.total == 0);

    /* 5. An unknown level is refused and changes nothing. */
    CHECK(netutil_options_set_log_level(o, 5) == NETUTIL_STATUS_INVALID_ARGUMENT);
    CHECK(netutil_options_set_log_level(o, 0xffffffffu) == NETUTIL_STATUS_INVALID_ARGUMENT);
    netutil_report_free(collect(o));
    CHECK(s.total == 0);

    /* 6. A file that cannot be opened: NETUTIL_STATUS_IO naming it; the
     *    previous file stays in use. */
    char bad[4200];
    snprintf(bad, sizeof bad, "%s/no-such-dir/x.log", argv[2]);
    CHECK(netutil_options_set_log_file(o, bad, &err) == NETUTIL_STATUS_IO);
    CHECK(netutil_error_code(err) == NETUTIL_STATUS_IO);
    CHECK(strstr(netutil_error_message(err), "no-such-dir/x.log") != NULL);
    netutil_error_free(err);
    err = NULL;
    CHECK(netutil_options_set_log_level(o, NETUTIL_LOG_INFO) == NETUTIL_STATUS_OK);
    size_t before = count_lines(path);
    netutil_report_free(collect(o));
    CHECK(count_lines(path) > before);

    /* 7. Removing the callback and the file, then standard error only
     *    (tests/c_api.rs reads it). */
    CHECK(netutil_options_set_log_callback(o, NULL, NULL) == NETUTIL_STATUS_OK);
    CHECK(netutil_options_set_log_file(o, NULL, NULL) == NETUTIL_STATUS_OK);
    memset(&s, 0, sizeof s);
    before = count_lines(path);
    CHECK(netutil_options_set_log_stderr(o, true) == NETUTIL_STATUS_OK);
    netutil_report_free(collect(o));
    CHECK(s.total == 0 && count_lines(path) == before);
    netutil_options_free(o);
    printf("logging: levels, callback, file and stderr behave\n");
    return 0;
}
