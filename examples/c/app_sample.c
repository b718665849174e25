/*
 * app_sample: what the pod was given, printed the way `app-netutil show`
 * prints it, using nothing but appnetutil.h and libappnetutil.
 *
 *   app_sample [--root DIR] [--podinfo-dir DIR] [--json] [--details] [--eal]
 *              [-q] [-v|-vv]
 *
 *   --root DIR         read the pod below DIR instead of /
 *   --podinfo-dir DIR  the downward-API directory
 *   --json             the report as JSON (what `app-netutil show --json` prints)
 *   --details          every field of every interface, after the tables
 *   --eal              the DPDK EAL arguments for this pod, after the tables
 *   -q                 no warnings on standard error
 *   -v, -vv            log what is read and decided (info, debug) on standard error
 *
 * Build: cc -std=c11 app_sample.c $(pkg-config --cflags --libs appnetutil)
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <appnetutil.h>

/* ---- a growable string and a table with padded columns ------------------ */

struct buf {
    char *s;
    size_t len, cap;
};

static void buf_printf(struct buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (b->s == NULL)
            abort();
    }
}

static char *buf_take(struct buf *b)
{
    if (b->s == NULL)
        buf_printf(b, "%s", "");
    char *s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

static char *xstrdup(const char *s)
{
    struct buf b = {0};
    buf_printf(&b, "%s", s);
    return buf_take(&b);
}

/* `s` made safe to show on a terminal, as `app-netutil show` does: control
 * characters (C0, DEL, C1) and the Unicode bidirectional controls written as
 * escapes (\x1b, \n, \u{202e}); everything else unchanged. Owned. */
static char *printable(const char *s)
{
    struct buf b = {0};
    buf_printf(&b, "%s", "");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n')
            buf_printf(&b, "\\n");
        else if (*p == '\r')
            buf_printf(&b, "\\r");
        else if (*p == '\t')
            buf_printf(&b, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            buf_printf(&b, "\\x%02x", *p);
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            buf_printf(&b, "\\u{%x}", p[1]);
            p++;
        } else if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
                                    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
            buf_printf(&b, "\\u{%x}", 0x2000u + ((p[1] & 0x3fu) << 6) + (p[2] & 0x3fu));
            p += 2;
        } else
            buf_printf(&b, "%c", *p);
    }
    return buf_take(&b);
}

#define MAX_COLS 8

struct table {
    size_t cols, rows, cap;
    char **cells; /* rows x cols, owned */
};

/* Cells hold the pod's data: escaped for the terminal. */
static void table_row(struct table *t, char **cells /* owned, t->cols of them */)
{
    for (size_t c = 0; c < t->cols; c++) {
        char *escaped = printable(cells[c]);
        free(cells[c]);
        cells[c] = escaped;
    }
    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = realloc(t->cells, t->cap * t->cols * sizeof *t->cells);
        if (t->cells == NULL)
            abort();
    }
    memcpy(t->cells + t->rows * t->cols, cells, t->cols * sizeof *cells);
    t->rows++;
}

static void table_header(struct table *t, size_t cols, const char *const *names)
{
    char *cells[MAX_COLS];
    t->cols = cols;
    for (size_t c = 0; c < cols; c++)
        cells[c] = xstrdup(names[c]);
    table_row(t, cells);
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

/* Columns padded to their widest cell, two spaces apart, the last one not
 * padded, trailing spaces removed; then freed. */
static void table_print(struct table *t, const char *indent)
{
    size_t w[MAX_COLS] = {0};
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->cols; c++) {
            size_t n = width(t->cells[r * t->cols + c]);
            if (n > w[c])
                w[c] = n;
        }
    for (size_t r = 0; r < t->rows; r++) {
        struct buf line = {0};
        buf_printf(&line, "%s", indent);
        for (size_t c = 0; c < t->cols; c++) {
            const char *cell = t->cells[r * t->cols + c];
            buf_printf(&line, "%s", cell);
            if (c + 1 < t->cols)
                buf_printf(&line, "%*s", (int)(w[c] - width(cell) + 2), "");
        }
        char *s = buf_take(&line);
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == ' ')
            s[--n] = '\0';
        printf("%s\n", s);
        free(s);
    }
    for (size_t i = 0; i < t->rows * t->cols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* ---- formatting helpers ------------------------------------------------- */

static const char *or_dash(const char *s)
{
    return s != NULL && *s != '\0' ? s : "-";
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A canonical kernel cpulist (1,3,5-7) of CPU ids in any order, with
 * duplicates. */
static char *cpulist(const uint32_t *list, size_t len)
{
    uint32_t *cpus = malloc((len ? len : 1) * sizeof *cpus);
    if (cpus == NULL)
        abort();
    if (len > 0)
        memcpy(cpus, list, len * sizeof *cpus);
    qsort(cpus, len, sizeof *cpus, cmp_u32);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (n == 0 || cpus[i] != cpus[n - 1])
            cpus[n++] = cpus[i];
    struct buf b = {0};
    buf_printf(&b, "%s", "");
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
            j++;
        buf_printf(&b, "%s%" PRIu32, i ? "," : "", cpus[i]);
        if (j > i)
            buf_printf(&b, "-%" PRIu32, cpus[j]);
        i = j + 1;
    }
    free(cpus);
    return buf_take(&b);
}

static int contains(const uint32_t *list, size_t len, uint32_t cpu)
{
    for (size_t i = 0; i < len; i++)
        if (list[i] == cpu)
            return 1;
    return 0;
}

/* The order of page sizes: by bytes, "unspecified" last. Sizes come as the
 * library prints them: a number and a binary unit ("2Mi", "1Gi"), or bytes
 * alone when no unit divides them. */
static uint64_t size_order(const char *size)
{
    if (strcmp(size, "unspecified") == 0)
        return UINT64_MAX;
    char *unit = NULL;
    uint64_t n = strtoull(size, &unit, 10);
    int shift = 0;
    if (strcmp(unit, "Ki") == 0)
        shift = 10;
    else if (strcmp(unit, "Mi") == 0)
        shift = 20;
    else if (strcmp(unit, "Gi") == 0)
        shift = 30;
    else if (strcmp(unit, "Ti") == 0)
        shift = 40;
    return n << shift;
}

static int cmp_size(const void *a, const void *b)
{
    uint64_t x = size_order(*(const char *const *)a), y = size_order(*(const char *const *)b);
    return (x > y) - (x < y);
}

/* ---- the sections of `app-netutil show` --------------------------------- */

/* An SMT sibling group of the report. */
struct group {
    const uint32_t *cpus;
    size_t len;
};

/* Groups by their CPUs, as lists compare: element by element, then the
 * shorter first. */
static int cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    for (size_t i = 0; i < x->len && i < y->len; i++)
        if (x->cpus[i] != y->cpus[i])
            return x->cpus[i] < y->cpus[i] ? -1 : 1;
    return (x->len > y->len) - (x->len < y->len);
}

/* A list of CPUs: the cpulist, the isolated ones among them, and the
 * physical cores they are on when a core has more than one of the pod's
 * CPUs. */
static char *describe(const netutil_report *r, const uint32_t *list, size_t len)
{
    struct buf b = {0};
    char *s = cpulist(list, len);
    buf_printf(&b, "%s", s);
    free(s);

    size_t niso = 0;
    const uint32_t *iso = netutil_report_cpus_isolated(r, &niso);
    uint32_t *mine = malloc((len ? len : 1) * sizeof *mine);
    struct group *cores = malloc((len ? len : 1) * sizeof *cores);
    if (mine == NULL || cores == NULL)
        abort();
    size_t nmine = 0;
    for (size_t i = 0; i < len; i++)
        if (contains(iso, niso, list[i]))
            mine[nmine++] = list[i];
    if (nmine > 0) {
        s = cpulist(mine, nmine);
        buf_printf(&b, "; isolated %s", s);
        free(s);
    }
    free(mine);

    /* Each CPU's core: the first sibling group that holds it. */
    size_t ngroups = netutil_report_cpu_smt_group_count(r), ncores = 0;
    for (size_t i = 0; i < len; i++)
        for (size_t g = 0; g < ngroups; g++) {
            size_t glen = 0;
            const uint32_t *cpus = netutil_report_cpu_smt_group(r, g, &glen);
            if (contains(cpus, glen, list[i])) {
                cores[ncores].cpus = cpus;
                cores[ncores++].len = glen;
                break;
            }
        }
    qsort(cores, ncores, sizeof *cores, cmp_group);
    size_t n = 0, shared = 0;
    for (size_t i = 0; i < ncores; i++)
        if (n == 0 || cmp_group(&cores[i], &cores[n - 1]) != 0)
            cores[n++] = cores[i];
    for (size_t i = 0; i < n; i++)
        if (cores[i].len > 1)
            shared = 1;
    if (shared) {
        buf_printf(&b, "; %zu cores:", n);
        for (size_t i = 0; i < n; i++) {
            s = cpulist(cores[i].cpus, cores[i].len);
            buf_printf(&b, " %s", s);
            free(s);
        }
    }
    free(cores);
    return buf_take(&b);
}

static const char *cpu_source(const char *source)
{
    static const char *const names[][2] = {
        {"affinity", "the process affinity"},
        {"proc-status", "Cpus_allowed_list in /proc/self/status"},
        {"cgroup-v2", "the cgroup v2 cpuset"},
        {"cgroup-v1", "the cgroup v1 cpuset"},
    };
    for (size_t i = 0; source != NULL && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(source, names[i][0]) == 0)
            return names[i][1];
    return "an unknown source";
}

static void print_cpus(const netutil_report *r)
{
    size_t n = 0;
    const uint32_t *cpus = netutil_report_cpus(r, &n);
    const char *cpuset = netutil_report_cpuset(r);
    if (cpuset == NULL) {
        printf("CPUs: unknown\n");
        return;
    }
    char *shown = printable(*cpuset ? cpuset : "none");
    printf("CPUs: %s (%zu %s, from %s)\n", shown, n, n == 1 ? "CPU" : "CPUs",
           cpu_source(netutil_report_cpu_source(r)));
    free(shown);
    switch (netutil_report_cpus_exclusive(r)) {
    case 1:
        printf("  dedicated to this pod\n");
        break;
    case 0:
        printf("  shared: every online CPU (no dedicated CPUs)\n");
        break;
    default:
        break;
    }
    size_t nodes = netutil_report_cpu_numa_node_count(r);
    for (size_t i = 0; i < nodes; i++) {
        uint32_t node = 0;
        size_t len = 0;
        const uint32_t *list = netutil_report_cpu_numa_node(r, i, &node, &len);
        char *s = describe(r, list, len);
        printf("  NUMA node %" PRIu32 ": %s\n", node, s);
        free(s);
    }
    if (nodes == 0) {
        char *s = describe(r, cpus, n);
        if (strcmp(s, cpuset) != 0)
            printf("  %s\n", s);
        free(s);
    }
}

static char *mib_or_dash(int found, uint64_t mib)
{
    struct buf b = {0};
    if (found)
        buf_printf(&b, "%" PRIu64, mib);
    else
        buf_printf(&b, "-");
    return buf_take(&b);
}

/* The MiB of `size` pages this container was granted, as
 * Hugepages::grant_mib: its downward-API limit (else request) when the
 * downward-API files name this container and give one for `size`, else the
 * hugetlb cgroup limit. Returns 2 for the downward API, 1 for the cgroup, 0
 * when neither says anything about `size`. */
static int grant_mib(const netutil_report *r, const char *size, uint64_t *mib)
{
    const netutil_container *own = netutil_report_own_container(r);
    if (own != NULL && (netutil_container_limit_mib_for(own, size, mib) ||
                        netutil_container_request_mib_for(own, size, mib)))
        return 2;
    for (size_t i = 0; i < netutil_report_cgroup_limit_count(r); i++)
        if (strcmp(netutil_report_cgroup_limit_size(r, i), size) == 0) {
            *mib = netutil_report_cgroup_limit_mib(r, i);
            return 1;
        }
    return 0;
}

/* One row of the per-size table. */
static void size_row(const netutil_report *r, struct table *t, const char *size)
{
    struct buf granted = {0}, limit = {0}, mounts = {0}, pool = {0};
    uint64_t mib = 0;
    switch (grant_mib(r, size, &mib)) {
    case 2:
        buf_printf(&granted, "%" PRIu64 " (downward API)", mib);
        break;
    case 1:
        buf_printf(&granted, "%" PRIu64 " (cgroup)", mib);
        break;
    default:
        buf_printf(&granted, "-");
        break;
    }
    for (size_t i = 0; i < netutil_report_cgroup_limit_count(r); i++)
        if (strcmp(netutil_report_cgroup_limit_size(r, i), size) == 0)
            buf_printf(&limit, "%" PRIu64, netutil_report_cgroup_limit_mib(r, i));
    if (limit.len == 0)
        buf_printf(&limit, "-");
    size_t nmounts = 0;
    for (size_t i = 0; i < netutil_report_hugetlbfs_mount_count(r); i++)
        if (strcmp(netutil_report_hugetlbfs_mount_page_size(r, i), size) == 0)
            buf_printf(&mounts, "%s%s", nmounts++ ? " " : "",
                       netutil_report_hugetlbfs_mount_path(r, i));
    if (nmounts == 0)
        buf_printf(&mounts, "-");
    for (size_t i = 0; i < netutil_report_host_pool_count(r); i++) {
        if (strcmp(netutil_report_host_pool_size(r, i), size) != 0)
            continue;
        uint64_t total = 0, free_pages = 0;
        netutil_report_host_pool(r, i, &total, &free_pages);
        buf_printf(&pool, "%" PRIu64 "/%" PRIu64, free_pages, total);
        size_t nodes = netutil_report_host_pool_node_count(r, i);
        for (size_t j = 0; j < nodes; j++) {
            uint32_t node = 0;
            netutil_report_host_pool_node(r, i, j, &node, &total, &free_pages);
            buf_printf(&pool, "%snode %" PRIu32 ": %" PRIu64 "/%" PRIu64, j ? ", " : " (", node,
                       free_pages, total);
        }
        if (nodes > 0)
            buf_printf(&pool, ")");
        break;
    }
    if (pool.len == 0)
        buf_printf(&pool, "-");
    char *cells[5] = {xstrdup(size), buf_take(&granted), buf_take(&limit), buf_take(&mounts),
                      buf_take(&pool)};
    table_row(t, cells);
}

/* The hugepage section: one row per page size with each source, then the
 * downward-API amounts of every container. */
static void print_hugepages(const netutil_report *r)
{
    const char *me = netutil_report_container_name(r);
    char *shown = printable(me ? me : "unknown (CONTAINER_NAME not set)");
    printf("\nHugepages: this container is %s\n", shown);
    free(shown);
    size_t nc = netutil_report_container_count(r);
    size_t nl = netutil_report_cgroup_limit_count(r);
    size_t nm = netutil_report_hugetlbfs_mount_count(r);
    size_t np = netutil_report_host_pool_count(r);

    /* Every page size any source names (not the legacy "unspecified"),
     * ascending, once each. */
    size_t cap = nl + nm + np;
    for (size_t i = 0; i < nc; i++) {
        const netutil_container *c = netutil_report_container(r, i);
        cap += netutil_container_request_count(c) + netutil_container_limit_count(c);
    }
    const char **sizes = malloc((cap ? cap : 1) * sizeof *sizes);
    if (sizes == NULL)
        abort();
    size_t ns = 0;
    for (size_t i = 0; i < nl; i++)
        sizes[ns++] = netutil_report_cgroup_limit_size(r, i);
    for (size_t i = 0; i < np; i++)
        sizes[ns++] = netutil_report_host_pool_size(r, i);
    for (size_t i = 0; i < nm; i++)
        sizes[ns++] = netutil_report_hugetlbfs_mount_page_size(r, i);
    for (size_t i = 0; i < nc; i++) {
        const netutil_container *c = netutil_report_container(r, i);
        for (size_t k = 0; k < netutil_container_request_count(c); k++)
            sizes[ns++] = netutil_container_request_size(c, k);
        for (size_t k = 0; k < netutil_container_limit_count(c); k++)
            sizes[ns++] = netutil_container_limit_size(c, k);
    }
    qsort(sizes, ns, sizeof *sizes, cmp_size);
    size_t n = 0;
    for (size_t i = 0; i < ns; i++)
        if (strcmp(sizes[i], "unspecified") != 0 && (n == 0 || strcmp(sizes[i], sizes[n - 1]) != 0))
            sizes[n++] = sizes[i];

    if (n == 0 && nc == 0)
        printf("  none found\n");
    if (n > 0) {
        static const char *const head[] = {"PAGE SIZE", "GRANTED MiB", "CGROUP LIMIT MiB",
                                           "HUGETLBFS", "HOST FREE/TOTAL PAGES"};
        struct table t = {0};
        table_header(&t, 5, head);
        for (size_t i = 0; i < n; i++)
            size_row(r, &t, sizes[i]);
        table_print(&t, "  ");
    }
    free(sizes);
    if (nc > 0) {
        printf("  downward API:\n");
        static const char *const head[] = {"CONTAINER", "PAGE SIZE", "REQUEST MiB", "LIMIT MiB"};
        struct table t = {0};
        table_header(&t, 4, head);
        for (size_t i = 0; i < nc; i++) {
            const netutil_container *c = netutil_report_container(r, i);
            const char *name = netutil_container_name(c);
            /* Every size with a request or a limit, in size order: merge
             * the two ascending lists. */
            size_t nr = netutil_container_request_count(c), nli = netutil_container_limit_count(c);
            size_t a = 0, b = 0;
            while (a < nr || b < nli) {
                const char *sa = a < nr ? netutil_container_request_size(c, a) : NULL;
                const char *sb = b < nli ? netutil_container_limit_size(c, b) : NULL;
                const char *size;
                if (sb == NULL || (sa != NULL && size_order(sa) <= size_order(sb)))
                    size = sa;
                else
                    size = sb;
                if (sa != NULL && strcmp(sa, size) == 0)
                    a++;
                if (sb != NULL && strcmp(sb, size) == 0)
                    b++;
                uint64_t req = 0, lim = 0;
                int has_req = netutil_container_request_mib_for(c, size, &req);
                int has_lim = netutil_container_limit_mib_for(c, size, &lim);
                struct buf cell = {0};
                buf_printf(&cell, "%s%s", *name ? name : "(any)",
                           me != NULL && strcmp(me, name) == 0 ? " *" : "");
                char *cells[4] = {buf_take(&cell), xstrdup(size), mib_or_dash(has_req, req),
                                  mib_or_dash(has_lim, lim)};
                table_row(&t, cells);
            }
        }
        table_print(&t, "    ");
    }
}

/* What sysfs says about a PCI device, briefly: driver, NUMA node, the VFIO
 * group device or the kernel interfaces, and the PF of a VF. */
static void pci_details(const netutil_interface *it, struct buf *b)
{
    const char *driver = netutil_interface_pcidev_driver(it);
    buf_printf(b, " (%s", driver != NULL ? driver : "no driver");
    uint32_t v = 0;
    if (netutil_interface_pcidev_numa_node(it, &v))
        buf_printf(b, ", NUMA %" PRIu32, v);
    else
        buf_printf(b, ", NUMA ?");
    const char *vfio = netutil_interface_pcidev_vfio_device(it);
    if (vfio != NULL)
        buf_printf(b, ", %s", vfio);
    else if (netutil_interface_pcidev_iommu_group(it, &v) && driver != NULL &&
             strcmp(driver, "vfio-pci") == 0)
        buf_printf(b, ", IOMMU group %" PRIu32 ", no /dev/vfio/%" PRIu32, v, v);
    size_t n = netutil_interface_pcidev_netdev_count(it);
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%s", i ? " " : ", ", netutil_interface_pcidev_netdev(it, i));
    const char *pf = netutil_interface_pcidev_physfn(it);
    if (pf != NULL)
        buf_printf(b, ", PF %s", pf);
    buf_printf(b, ")");
}

/* What identifies the interface's device: PCI address, auxiliary name or
 * socket path. */
static char *device_cell(const netutil_interface *it)
{
    struct buf b = {0};
    const char *path = netutil_interface_socket_path(it);
    const char *pci = netutil_interface_pci_address(it);
    switch (netutil_interface_device_type(it)) {
    case NETUTIL_DEVICE_VHOST_USER:
    case NETUTIL_DEVICE_MEMIF: {
        const char *role = NULL, *mode = NULL;
        if (netutil_interface_device_type(it) == NETUTIL_DEVICE_VHOST_USER) {
            role = netutil_interface_devinfo_vhost_user_mode(it);
        } else {
            role = netutil_interface_devinfo_memif_role(it);
            mode = netutil_interface_devinfo_memif_mode(it);
        }
        buf_printf(&b, "%s", or_dash(path));
        if (role != NULL && mode != NULL)
            buf_printf(&b, " (%s, %s)", role, mode);
        else if (role != NULL || mode != NULL)
            buf_printf(&b, " (%s)", role != NULL ? role : mode);
        break;
    }
    case NETUTIL_DEVICE_VDPA:
        if (path != NULL && pci != NULL)
            buf_printf(&b, "%s %s", pci, path);
        else
            buf_printf(&b, "%s", or_dash(path != NULL ? path : pci));
        break;
    case NETUTIL_DEVICE_AUXILIARY:
        buf_printf(&b, "%s", or_dash(netutil_interface_device_id(it)));
        break;
    case NETUTIL_DEVICE_HOST:
    case NETUTIL_DEVICE_PCI:
        buf_printf(&b, "%s", or_dash(pci));
        if (netutil_interface_has_pcidev(it))
            pci_details(it, &b);
        break;
    default: /* unknown, and kinds newer than this program */
        if (netutil_interface_has_devinfo(it))
            buf_printf(&b, "type %s", netutil_interface_devinfo_type(it));
        else
            buf_printf(&b, "-");
        break;
    }
    return buf_take(&b);
}

static int has_source(const netutil_interface *it, const char *source)
{
    for (size_t i = 0; i < netutil_interface_source_count(it); i++)
        if (strcmp(netutil_interface_source(it, i), source) == 0)
            return 1;
    return 0;
}

/* How the device was tied to the interface. */
static char *match_cell(const netutil_interface *it)
{
    const char *env = netutil_interface_resource_env(it);
    if (env == NULL)
        return xstrdup("-");
    const char *how = has_source(it, "positional")   ? "guessed by position"
                      : has_source(it, "sysfs")      ? "by sysfs"
                      : netutil_interface_name(it) == NULL ? "no interface"
                                                            : "by device-info";
    struct buf b = {0};
    buf_printf(&b, "%s (%s)", env, how);
    return buf_take(&b);
}

static void print_interfaces(const netutil_report *r)
{
    size_t n = netutil_report_interface_count(r);
    printf("\nInterfaces: %zu\n", n);
    if (n == 0)
        return;
    static const char *const head[] = {"INTERFACE", "TYPE",   "NETWORK",      "MAC",
                                       "IPS",       "DEVICE", "DEVICE PLUGIN"};
    struct table t = {0};
    table_header(&t, 7, head);
    for (size_t i = 0; i < n; i++) {
        const netutil_interface *it = netutil_report_interface(r, i);
        struct buf name = {0}, ips = {0};
        buf_printf(&name, "%s%s", or_dash(netutil_interface_name(it)),
                   netutil_interface_is_default(it) ? " *" : "");
        for (size_t k = 0; k < netutil_interface_ip_count(it); k++)
            buf_printf(&ips, "%s%s", k ? "," : "", netutil_interface_ip(it, k));
        if (ips.len == 0)
            buf_printf(&ips, "-");
        char *cells[7] = {buf_take(&name),
                          xstrdup(netutil_interface_device_type_str(it)),
                          xstrdup(or_dash(netutil_interface_network(it))),
                          xstrdup(or_dash(netutil_interface_mac(it))),
                          buf_take(&ips),
                          device_cell(it),
                          match_cell(it)};
        table_row(&t, cells);
    }
    table_print(&t, "  ");
    /* The footnote explains a mark: only when a row has it. */
    bool any_default = false;
    for (size_t i = 0; i < n; i++)
        if (netutil_interface_is_default(netutil_report_interface(r, i)))
            any_default = true;
    if (any_default)
        printf("  (* default network)\n");
}

/* ---- --details: every field through its getter --------------------------- */

/* Prints `s` escaped for the terminal. */
static void put_printable(const char *s)
{
    char *shown = printable(s);
    fputs(shown, stdout);
    free(shown);
}

static void field(const char *key, const char *value)
{
    if (value != NULL) {
        printf("    %-26s ", key);
        put_printable(value);
        printf("\n");
    }
}

typedef size_t (*count_fn)(const netutil_interface *);
typedef const char *(*item_fn)(const netutil_interface *, size_t);

static void list_field(const char *key, const netutil_interface *it, count_fn count, item_fn item)
{
    size_t n = count(it);
    if (n == 0)
        return;
    printf("    %-26s", key);
    for (size_t i = 0; i < n; i++) {
        printf("%s", i ? ", " : " ");
        put_printable(item(it, i));
    }
    printf("\n");
}

static void print_details(const netutil_report *r)
{
    printf("\nDetails:\n");
    printf("  pod\n");
    field("hostname", netutil_report_pod_hostname(r));
    field("name", netutil_report_pod_name(r));
    field("namespace", netutil_report_pod_namespace(r));
    field("uid", netutil_report_pod_uid(r));
    for (size_t i = 0; i < netutil_report_interface_count(r); i++) {
        const netutil_interface *it = netutil_report_interface(r, i);
        printf("  interface %zu: ", i);
        put_printable(or_dash(netutil_interface_name(it)));
        printf("\n");
        field("network", netutil_interface_network(it));
        field("default", netutil_interface_is_default(it) ? "yes" : "no");
        field("device-type", netutil_interface_device_type_str(it));
        field("mac", netutil_interface_mac(it));
        field("infiniband-guid", netutil_interface_infiniband_guid(it));
        list_field("ips", it, netutil_interface_ip_count, netutil_interface_ip);
        uint64_t mtu = 0;
        if (netutil_interface_mtu(it, &mtu))
            printf("    %-26s %" PRIu64 "\n", "mtu", mtu);
        list_field("gateway", it, netutil_interface_gateway_count, netutil_interface_gateway);
        for (size_t j = 0; j < netutil_interface_route_count(it); j++) {
            const char *gw = netutil_interface_route_gw(it, j);
            printf("    %-26s %s%s%s\n", j ? "" : "routes", netutil_interface_route_dst(it, j),
                   gw ? " via " : "", gw ? gw : "");
        }
        list_field("dns nameservers", it, netutil_interface_dns_nameserver_count,
                   netutil_interface_dns_nameserver);
        list_field("dns search", it, netutil_interface_dns_search_count,
                   netutil_interface_dns_search);
        list_field("dns options", it, netutil_interface_dns_option_count,
                   netutil_interface_dns_option);
        field("dns domain", netutil_interface_dns_domain(it));
        field("device-info type", netutil_interface_devinfo_type(it));
        field("device-info version", netutil_interface_devinfo_version(it));
        field("pci pci-address", netutil_interface_devinfo_pci_address(it));
        field("pci vhost-net", netutil_interface_devinfo_pci_vhost_net(it));
        field("pci rdma-device", netutil_interface_devinfo_pci_rdma_device(it));
        field("pci pf-pci-address", netutil_interface_devinfo_pci_pf_pci_address(it));
        field("pci representor-device", netutil_interface_devinfo_pci_representor_device(it));
        field("vdpa parent-device", netutil_interface_devinfo_vdpa_parent_device(it));
        field("vdpa driver", netutil_interface_devinfo_vdpa_driver(it));
        field("vdpa path", netutil_interface_devinfo_vdpa_path(it));
        field("vdpa pci-address", netutil_interface_devinfo_vdpa_pci_address(it));
        field("vdpa pf-pci-address", netutil_interface_devinfo_vdpa_pf_pci_address(it));
        field("vdpa representor-device", netutil_interface_devinfo_vdpa_representor_device(it));
        field("vhost-user mode", netutil_interface_devinfo_vhost_user_mode(it));
        field("vhost-user path", netutil_interface_devinfo_vhost_user_path(it));
        field("vhost-user group", netutil_interface_devinfo_vhost_user_group(it));
        field("memif role", netutil_interface_devinfo_memif_role(it));
        field("memif mode", netutil_interface_devinfo_memif_mode(it));
        field("memif path", netutil_interface_devinfo_memif_path(it));
        field("device-id", netutil_interface_device_id(it));
        field("resource-env", netutil_interface_resource_env(it));
        field("device-plugin-info", netutil_interface_device_plugin_info(it));
        if (netutil_interface_has_pcidev(it)) {
            uint32_t v = 0;
            if (netutil_interface_pcidev_numa_node(it, &v))
                printf("    %-26s %" PRIu32 "\n", "pci-device numa-node", v);
            field("pci-device driver", netutil_interface_pcidev_driver(it));
            if (netutil_interface_pcidev_iommu_group(it, &v))
                printf("    %-26s %" PRIu32 "\n", "pci-device iommu-group", v);
            field("pci-device vfio-device", netutil_interface_pcidev_vfio_device(it));
            list_field("pci-device netdevs", it, netutil_interface_pcidev_netdev_count,
                       netutil_interface_pcidev_netdev);
            field("pci-device vendor", netutil_interface_pcidev_vendor(it));
            field("pci-device device", netutil_interface_pcidev_device(it));
            field("pci-device physfn", netutil_interface_pcidev_physfn(it));
        }
        list_field("sources", it, netutil_interface_source_count, netutil_interface_source);
    }
}

static int print_eal(const netutil_report *r, const netutil_options *o)
{
    netutil_eal_args *eal = NULL;
    netutil_error *err = NULL;
    if (netutil_eal_args_build(r, o, &eal, &err) != NETUTIL_STATUS_OK) {
        char *shown = printable(netutil_error_message(err));
        fprintf(stderr, "app_sample: EAL arguments: %s\n", shown);
        free(shown);
        netutil_error_free(err);
        return 1;
    }
    printf("\nEAL arguments:");
    for (int i = 1; i < netutil_eal_args_argc(eal); i++) {
        printf(" ");
        put_printable(netutil_eal_args_arg(eal, (size_t)i));
    }
    printf("\n");
    for (size_t i = 0; i < netutil_eal_args_warning_count(eal); i++) {
        char *shown = printable(netutil_eal_args_warning(eal, i));
        fprintf(stderr, "app_sample: warning: %s\n", shown);
        free(shown);
    }
    netutil_eal_args_free(eal);
    return 0;
}

/* Log lines like the CLI's: warnings are printed once, after collection. */
static void on_log(void *user_data, uint32_t level, const char *message)
{
    (void)user_data;
    static const char *const names[] = {"none", "error", "warning", "info", "debug"};
    if (level != NETUTIL_LOG_WARNING) {
        char *shown = printable(message);
        fprintf(stderr, "app-netutil: %s: %s\n", level <= 4 ? names[level] : "?", shown);
        free(shown);
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: app_sample [--root DIR] [--podinfo-dir DIR] [--json] [--details] "
                    "[--eal] [-q] [-v|-vv]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (netutil_abi_version() != NETUTIL_ABI_VERSION) {
        fprintf(stderr, "app_sample: libappnetutil has ABI %u, this program was built for %u\n",
                netutil_abi_version(), (unsigned)NETUTIL_ABI_VERSION);
        return 1;
    }
    const char *root = NULL, *podinfo = NULL;
    int json = 0, details = 0, eal = 0, quiet = 0, verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strcmp(argv[i], "--podinfo-dir") == 0 && i + 1 < argc)
            podinfo = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--details") == 0)
            details = 1;
        else if (strcmp(argv[i], "--eal") == 0)
            eal = 1;
        else if (strcmp(argv[i], "-q") == 0)
            quiet = 1;
        else if (strcmp(argv[i], "-v") == 0)
            verbose = verbose > 1 ? verbose : 1;
        else if (strcmp(argv[i], "-vv") == 0)
            verbose = 2;
        else
            return usage();
    }

    netutil_options *opts = netutil_options_new();
    if (opts == NULL)
        return 1;
    netutil_options_set_root(opts, root);
    netutil_options_set_podinfo_dir(opts, podinfo);
    if (verbose) {
        netutil_options_set_log_level(opts, verbose > 1 ? NETUTIL_LOG_DEBUG : NETUTIL_LOG_INFO);
        netutil_options_set_log_callback(opts, on_log, NULL);
    }

    netutil_report *report = NULL;
    netutil_error *err = NULL;
    if (netutil_report_collect(opts, &report, &err) != NETUTIL_STATUS_OK) {
        char *shown = printable(netutil_error_message(err));
        fprintf(stderr, "app-netutil: %s\n", shown);
        free(shown);
        netutil_error_free(err);
        netutil_options_free(opts);
        return 2;
    }

    int rc = 0;
    if (json) {
        size_t len = 0;
        const char *text = netutil_report_json(report, &len);
        fwrite(text, 1, len, stdout);
    } else {
        print_cpus(report);
        print_hugepages(report);
        print_interfaces(report);
        size_t w = netutil_report_warning_count(report);
        printf("\nWarnings: %zu%s\n", w, w ? " (on standard error)" : "");
        if (details)
            print_details(report);
        if (eal)
            rc = print_eal(report, opts);
    }
    if (!quiet)
        for (size_t i = 0; i < netutil_report_warning_count(report); i++) {
            char *shown = printable(netutil_report_warning(report, i));
            fprintf(stderr, "app-netutil: warning: %s\n", shown);
            free(shown);
        }

    netutil_report_free(report);
    netutil_options_free(opts);
    return rc;
}
