/*
 * script.c - entities of script files: picks the JavaScript/TypeScript
 * (js.c) or Python (python.c) extractor by the path's language.
 */
#include "config.h"

#include <string.h>

#include "extract/extract_int.h"
#include "extract/scriptlang.h"

int extract_script(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		   size_t len, struct entity_list *out)
{
	const char *lang = extract_language(path);

	if (strcmp(lang, "javascript") == 0 || strcmp(lang, "typescript") == 0)
		return extract_javascript(a, opt, path, buf, len, out);
	if (strcmp(lang, "python") == 0)
		return extract_python(a, opt, path, buf, len, out);
	return extract_windows(a, opt, path, buf, len, out);
}
