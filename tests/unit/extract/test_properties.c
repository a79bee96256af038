/* Unit tests for src/extract/properties.c. */
#include "config.h"

#include "fixture_util.h"

#define FX "tests/unit/extract/fixtures/properties/"

static void test_examples(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, "examples/src/main/resources/messages_de.properties", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "messages:mail.order.confirmation.body", "property",
		      "mail.order.confirmation.body", 4, 5);
	fx_meta_has(
	    e, "\"value\":\"Sehr geehrte(r) {0},\\n\\nvielen Dank f\xc3\xbcr Ihren Auftrag {1} vom {2}.\\n"
	       "Voraussichtliche Lieferung: {3}.\\n\\nMit freundlichen Gr\xc3\xbc\xc3\x9f"
	       "en\\nACME Handels GmbH\"");
	fx_meta_has(e, "\"bundle\":\"messages\",\"locale\":\"de\"");
	e = fx_expect(&out, "messages:currency.symbol", "property", "currency.symbol", 11, 11);
	fx_meta_has(e, "\"value\":\"\xe2\x82\xac\"");
	assert_int_equal(out.count, 8);
	free(buf);

	out.count = 0;
	buf = fx_extract(a, "examples/src/main/resources/ApplicationResources.properties", NULL, &out, &len);
	e = fx_expect(&out, "ApplicationResources:app.title", "property", "app.title", 7, 7);
	fx_meta_has(e, "\"value\":\"ACME Orders\"");
	assert_null(strstr(e->metadata, "locale"));
	free(buf);
	arena_free(a);
}

static void test_syntax(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, FX "messages_fr_CA.properties", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "messages:simple", "property", "simple", 3, 3);
	fx_meta_has(e, "\"locale\":\"fr_CA\"");
	fx_meta_has(e, "\"comment\":\"# comment\\n! bang comment\\n\"");
	e = fx_expect(&out, "messages:spaced", "property", "spaced", 4, 4);
	fx_meta_has(e, "\"value\":\"value with spaces   \"");
	e = fx_expect(&out, "messages:white", "property", "white", 5, 5);
	fx_meta_has(e, "\"value\":\"space separated\"");
	e = fx_expect(&out, "messages:cont", "property", "cont", 6, 7);
	fx_meta_has(e, "\"value\":\"first second \\\\\"");
	e = fx_expect(&out, "messages:esc key=x", "property", "esc key=x", 8, 8);
	fx_meta_has(e, "\"value\":\"\xc3\xa9t\xc3\xa9\\tTab\\n\"");
	/* a surrogate pair is one character; a lone surrogate is U+FFFD */
	e = fx_expect(&out, "messages:surrogate", "property", "surrogate", 9, 9);
	fx_meta_has(e, "\"value\":\"\xf0\x9f\x98\x80 lone \xef\xbf\xbd end\"");
	fx_expect(&out, "messages:indented.key", "property", "indented.key", 11, 11);
	fx_expect(&out, "messages:empty", "property", "empty", 12, 12);
	/* a repeated key keeps a unique qualified name */
	fx_expect(&out, "messages:simple#2", "property", "simple", 13, 13);
	fx_expect(&out, "messages:last", "property", "last", 14, 14);
	assert_int_equal(out.count, 11);
	free(buf);

	out.count = 0;
	buf = fx_extract(a, FX "crlf.properties", NULL, &out, &len);
	e = fx_expect(&out, "crlf:app.title", "property", "app.title", 2, 2);
	assert_string_equal(e->text, "app.title=Y\r\n");
	free(buf);
	arena_free(a);
}

static void test_hostile(void **state)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	static const char *const bad[] = {"",
					  "\\",
					  "\\\n",
					  "=",
					  "a\\u",
					  "a=\\u00",
					  "a=\\ud800\\u",
					  "# only\n! comments\n",
					  "a\\\n\\\n\\\n",
					  "\xEF\xBB\xBFk=v\rk2=v2\r"};
	struct arena *a = arena_new();
	struct entity_list out = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out.count = 0;
		assert_int_equal(extract_file(a, &opt, "i18n/x_zz.properties", bad[i], strlen(bad[i]), &out),
				 0);
	}
	/* BOM and CR-only line ends: two keys on lines 1 and 2 */
	fx_invariants(&out, bad[9], strlen(bad[9]));
	assert_int_equal(out.count, 2);
	fx_expect(&out, "x_zz:k2", "property", "k2", 2, 2);
	/* "zz" is no language: the bundle keeps it */
	fx_expect(&out, "x_zz:k", "property", "k", 1, 1);
	assert_string_equal(out.items[0].text, "k=v\r");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_syntax),
	    cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("properties", tests, NULL, NULL);
}
