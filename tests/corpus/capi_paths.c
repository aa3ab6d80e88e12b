/*
 * capi_paths.c - the corpus through the C API: for each problem of a path
 * corpus ("# ID FAMILY NAME" lines, each followed by "SPEC ; DIMS"),
 * einc_compile_text with the default options, then the linear path
 * einc_program_dump prints, as "ID<TAB>PATH" lines on stdout (with a second
 * argument N, every N-th problem only, counting from the first). A problem
 * that fails to compile prints its message on stderr and makes the exit
 * status 1. check_corpus.py scores the paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "einc.h"

/* Compiles "spec" with "dims" and prints its linear path after "id";
 * returns 0, or 1 on failure (the message on stderr). */
static int print_path(einc_ctx *ctx, const char *id, const char *spec, const char *dims)
{
	einc_program *p = NULL;
	char *text = NULL;
	if (einc_compile_text(ctx, spec, dims, NULL, NULL, &p) != EINC_OK ||
	    einc_program_dump(ctx, p, EINC_STAGE_PATH_LINEAR, &text) != EINC_OK) {
		fprintf(stderr, "%s: %s\n", id, einc_ctx_message(ctx));
		einc_program_free(p);
		return 1;
	}
	printf("%s\t%s\n", id, text);
	einc_free(text);
	einc_program_free(p);
	return 0;
}

/* Trims spaces and the newline off both ends of "s" in place. */
static char *trim(char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

int main(int argc, char **argv)
{
	long stride = argc == 3 ? strtol(argv[2], NULL, 10) : 1;
	if ((argc != 2 && argc != 3) || stride < 1) {
		fprintf(stderr, "usage: capi_paths CORPUS [N]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	einc_ctx *ctx = einc_ctx_new();
	static char line[1 << 20];
	char id[64] = "";
	int bad = !ctx;
	long seen = 0;
	while (ctx && fgets(line, sizeof line, f)) {
		char *semi = strchr(line, ';');
		if (line[0] == '#') {
			if (sscanf(line, "# %63s %*s %*s", id) != 1)
				id[0] = '\0';
		} else if (semi && id[0]) {
			*semi = '\0';
			if (seen++ % stride == 0)
				bad |= print_path(ctx, id, trim(line), trim(semi + 1));
			id[0] = '\0';
		}
	}
	fclose(f);
	einc_ctx_free(ctx);
	return bad;
}
