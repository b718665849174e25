/* Parses each line of standard input, hex-encoded, with DPDK's own devargs
 * parser (rte_kvargs_parse, as PMDs call it on what follows the device name)
 * and prints the pairs it finds, hex-encoded: "key value" per pair, then
 * "end"; "error" when the parser refuses the string. Built and run by
 * tests/kvargs.rs against the installed librte_kvargs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>

static void hex(const char *s)
{
    if (s == NULL) {
        fputs("-", stdout);
        return;
    }
    if (*s == '\0')
        fputs("=", stdout);
    for (; *s; s++)
        printf("%02x", (unsigned char)*s);
}

static int unhex(const char *in, char *out, size_t cap)
{
    size_t n = strlen(in);
    if (n % 2 != 0 || n / 2 >= cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned int b;
        if (sscanf(in + 2 * i, "%2x", &b) != 1)
            return -1;
        out[i] = (char)b;
    }
    out[n / 2] = '\0';
    return 0;
}

int main(void)
{
    static char line[1 << 16], text[1 << 15];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (unhex(line, text, sizeof text) != 0)
            return 2;
        struct rte_kvargs *kv = rte_kvargs_parse(text, NULL);
        if (kv == NULL) {
            puts("error");
            continue;
        }
        for (unsigned int i = 0; i < kv->count; i++) {
            hex(kv->pairs[i].key);
            putchar(' ');
            hex(kv->pairs[i].value);
            putchar('\n');
        }
        puts("end");
        rte_kvargs_free(kv);
    }
    return 0;
}
