/*
 * extract_dump.c - runs the extractors over files and prints what they
 * find, for bench/ctags-compare and for eyeballing.
 *
 *   extract-dump [--stats] [--repeat N] [--files-from LIST] [FILE...]
 *
 * Without --stats: one JSON object per entity and line (file, kind, name,
 * qualified_name, parent, start, end, signature, links, metadata).
 * With --stats: one JSON object with files, bytes, entity counts per kind
 * and the time spent in extract_file alone (files are read first), so
 * that throughput can be compared with ctags. Files that are not valid
 * UTF-8 or hold NUL bytes are skipped and counted, as the worker would.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract/extract.h"
#include "extract/jsonw.h"
#include "index/chunkproc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/utf8.h"

struct input {
	char *path;
	char *data;
	size_t len;
};

struct kindcount {
	char kind[64];
	long n;
};

static int read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	size_t got;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, got)) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return 0;
}

static void count_kind(struct kindcount *kc, size_t *nkc, size_t cap, const char *kind)
{
	size_t j;

	for (j = 0; j < *nkc; j++)
		if (strcmp(kc[j].kind, kind) == 0) {
			kc[j].n++;
			return;
		}
	if (*nkc < cap) {
		snprintf(kc[*nkc].kind, sizeof(kc[*nkc].kind), "%s", kind);
		kc[*nkc].n = 1;
		(*nkc)++;
	}
}

static void print_entity(struct arena *a, const char *path, const struct entity *e)
{
	struct jsonw w;
	size_t j;

	jsonw_init(&w, a);
	jsonw_obj_open(&w);
	jsonw_kv_str(&w, "file", path);
	jsonw_kv_str(&w, "kind", e->kind);
	jsonw_kv_str(&w, "name", e->name);
	jsonw_kv_str(&w, "qualified_name", e->qualified_name);
	jsonw_kv_str(&w, "parent", e->parent);
	jsonw_kv_int(&w, "start", e->start_line);
	jsonw_kv_int(&w, "end", e->end_line);
	jsonw_kv_str(&w, "signature", e->signature);
	jsonw_kv_int(&w, "text_len", (long long)e->text_len);
	jsonw_key(&w, "links");
	jsonw_arr_open(&w);
	for (j = 0; j < e->nlinks; j++) {
		jsonw_obj_open(&w);
		jsonw_kv_str(&w, "kind", e->links[j].kind);
		jsonw_kv_str(&w, "target", e->links[j].target);
		jsonw_obj_close(&w);
	}
	jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	/* metadata is JSON text already: splice it in before the '}'. */
	{
		const char *obj = jsonw_finish(&w);

		fwrite(obj, 1, strlen(obj) - 1, stdout);
		printf(",\"metadata\":%s}\n", e->metadata ? e->metadata : "null");
	}
}

int main(int argc, char **argv)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	struct input *in = NULL;
	size_t nin = 0, capin = 0, j, skipped = 0, nkc = 0, bytes = 0;
	struct kindcount kc[128];
	int stats = 0, repeat = 1, r, i;
	struct timespec t0, t1;
	double secs;
	long entities = 0;

	for (i = 1; i < argc; i++) {
		char *list = NULL;

		if (strcmp(argv[i], "--stats") == 0) {
			stats = 1;
			continue;
		}
		if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
			repeat = atoi(argv[++i]);
			continue;
		}
		if (strcmp(argv[i], "--files-from") == 0 && i + 1 < argc)
			list = argv[++i];
		if (list) {
			FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
			char line[4096];

			if (!f) {
				fprintf(stderr, "could not open %s\n", list);
				return 66;
			}
			while (fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\r\n")] = '\0';
				if (!*line)
					continue;
				if (nin == capin) {
					capin = capin ? capin * 2 : 1024;
					in = realloc(in, capin * sizeof(*in));
				}
				in[nin++].path = strdup(line);
			}
			if (f != stdin)
				fclose(f);
			continue;
		}
		if (nin == capin) {
			capin = capin ? capin * 2 : 1024;
			in = realloc(in, capin * sizeof(*in));
		}
		in[nin++].path = strdup(argv[i]);
	}
	for (j = 0; j < nin; j++) {
		struct buf b;

		buf_init(&b, 0);
		in[j].data = NULL;
		if (read_file(in[j].path, &b) == 0 && utf8_valid(buf_str(&b), b.len)) {
			in[j].len = b.len;
			in[j].data = buf_detach(&b);
			bytes += in[j].len;
		} else {
			skipped++;
		}
		buf_release(&b);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < repeat; r++) {
		struct arena *a = arena_new();

		for (j = 0; j < nin; j++) {
			struct entity_list out = {0};
			size_t k;

			if (!in[j].data)
				continue;
			if (extract_file(a, &opt, in[j].path, in[j].data, in[j].len, &out)) {
				fprintf(stderr, "extract failed: %s\n", in[j].path);
				continue;
			}
			if (r == 0) {
				entities += (long)out.count;
				for (k = 0; k < out.count; k++) {
					if (stats) {
						count_kind(kc, &nkc, 128, out.items[k].kind);
					} else {
						print_entity(a, in[j].path, &out.items[k]);
					}
				}
			}
			arena_reset(a);
		}
		arena_free(a);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (stats) {
		printf("{\"files\":%zu,\"skipped\":%zu,\"bytes\":%zu,\"repeat\":%d,\"seconds\":%.6f,"
		       "\"files_per_s\":%.1f,\"mb_per_s\":%.2f,\"entities\":%ld,\"kinds\":{",
		       nin - skipped, skipped, bytes, repeat, secs,
		       secs > 0 ? (double)(nin - skipped) * repeat / secs : 0.0,
		       secs > 0 ? (double)bytes * repeat / secs / 1e6 : 0.0, entities);
		for (j = 0; j < nkc; j++)
			printf("%s\"%s\":%ld", j ? "," : "", kc[j].kind, kc[j].n);
		printf("}}\n");
	}
	for (j = 0; j < nin; j++) {
		free(in[j].path);
		free(in[j].data);
	}
	free(in);
	return 0;
}
