/* Unit tests for src/extract/sql.c: DDL objects, statements, dialects. */
#include "config.h"

#include "fixture_util.h"

#define FX "tests/unit/extract/fixtures/sql/"

static void test_schema_example(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, "examples/src/main/sql/schema.sql", "db/schema.sql", &out, &len);

	(void)state;
	e = fx_expect(&out, "sql:app_users", "sql_table", "app_users", 12, 24);
	fx_meta_has(e, "\"object\":\"app_users\"");
	fx_meta_has(e, "{\"name\":\"login\",\"type\":\"VARCHAR(32)\",\"constraints\":\"NOT NULL\"}");
	fx_meta_has(e, "{\"name\":\"uq_app_users_login\",\"definition\":\"CONSTRAINT uq_app_users_login "
		       "UNIQUE (login)\"}");
	e = fx_expect(&out, "sql:order_lines", "sql_table", "order_lines", 103, 116);
	assert_true(fx_has_link(e, "references_table", "orders"));
	assert_true(fx_has_link(e, "references_table", "products"));
	fx_meta_has(e, "{\"name\":\"unit_price\",\"type\":\"NUMERIC(10,2)\",\"constraints\":\"NOT NULL\"}");
	e = fx_expect(&out, "sql:ix_orders_date", "sql_index", "ix_orders_date", 100, 100);
	assert_true(fx_has_link(e, "references_table", "orders"));
	fx_expect(&out, "sql:order_no_seq", "sql_sequence", "order_no_seq", 82, 82);
	e = fx_expect(&out, "sql:v_order_totals", "sql_view", "v_order_totals", 125, 139);
	assert_true(fx_has_link(e, "references_table", "orders"));
	assert_true(fx_has_link(e, "references_table", "customers"));
	assert_true(fx_has_link(e, "references_table", "order_lines"));
	fx_meta_has(
	    e, "\"comment\":\"-- Order header with computed totals; used by the reports and by support.\"");
	e = fx_expect(&out, "sql:INSERT app_user_roles#2", "sql_statement", "INSERT app_user_roles", 158,
		      159);
	assert_true(fx_has_link(e, "references_table", "app_user_roles"));
	assert_true(fx_has_link(e, "references_table", "app_users"));
	fx_expect(&out, "sql:UPDATE customers", "sql_statement", "UPDATE customers", 170, 170);
	/* BEGIN; and COMMIT; are no entities */
	assert_int_equal(out.count, 28);
	assert_int_equal(fx_count_kind(&out, "sql_table"), 6);
	free(buf);
	arena_free(a);
}

static void test_reports_example(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, "examples/src/main/sql/reports.sql", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "sql:SELECT orders", "sql_statement", "SELECT orders", 8, 18);
	assert_true(fx_has_link(e, "references_table", "order_lines"));
	/* dollar-quoted bodies: inner ";" does not split, tables inside count */
	e = fx_expect(&out, "sql:customer_revenue", "sql_function", "customer_revenue", 77, 96);
	assert_string_equal(e->signature,
			    "CREATE OR REPLACE FUNCTION customer_revenue(p_from DATE, p_to DATE)");
	assert_true(fx_has_link(e, "references_table", "v_order_totals"));
	e = fx_expect(&out, "sql:close_shipped_orders", "sql_function", "close_shipped_orders", 103, 122);
	assert_true(fx_has_link(e, "references_table", "orders"));
	assert_int_equal(out.count, 7);
	free(buf);
	arena_free(a);
}

static void test_oracle(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, FX "oracle.sql", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "sql:hr.emp", "sql_table", "hr.emp", 2, 6);
	assert_true(fx_has_link(e, "references_table", "hr.dept"));
	fx_meta_has(e, "\"object\":\"hr.emp\"");
	/* PL/SQL: ";" inside the body and a string do not end it */
	e = fx_expect(&out, "sql:hr.raise_salary", "sql_procedure", "hr.raise_salary", 8, 16);
	assert_true(fx_has_link(e, "references_table", "hr.emp"));
	fx_expect(&out, "sql:hr.emp_api", "sql_package", "hr.emp_api", 19, 22);
	e = fx_expect(&out, "sql:hr.emp_bi", "sql_trigger", "hr.emp_bi", 25, 28);
	assert_true(fx_has_link(e, "references_table", "hr.emp"));
	e = fx_expect(&out, "sql:DELETE hr.emp", "sql_statement", "DELETE hr.emp", 31, 31);
	assert_true(fx_has_link(e, "references_table", "hr.old_emps"));
	assert_int_equal(out.count, 5);
	free(buf);
	arena_free(a);
}

static void test_mysql_pg(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, FX "mysql.sql", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "sql:`orders`", "sql_table", "`orders`", 2, 6);
	fx_meta_has(e, "\"object\":\"orders\"");
	fx_meta_has(e, "{\"name\":\"`note`\",\"type\":\"varchar(200)\",\"constraints\":\"DEFAULT 'a;b'\"}");
	e = fx_expect(&out, "sql:count_orders", "sql_procedure", "count_orders", 9, 12);
	assert_true(fx_has_link(e, "references_table", "`orders`"));
	fx_expect(&out, "sql:INSERT `orders`", "sql_statement", "INSERT `orders`", 15, 15);
	assert_int_equal(out.count, 3);
	free(buf);

	out.count = 0;
	buf = fx_extract(a, FX "pg.sql", NULL, &out, &len);
	e = fx_expect(&out, "sql:audit", "sql_function", "audit", 1, 6);
	assert_true(fx_has_link(e, "references_table", "audit_log"));
	e = fx_expect(&out, "sql:(unnamed) ON orders", "sql_index", "(unnamed) ON orders", 8, 8);
	e = fx_expect(&out, "sql:public.mv_daily", "sql_view", "public.mv_daily", 9, 10);
	assert_true(fx_has_link(e, "references_table", "orders"));
	e = fx_expect(&out, "sql:UPDATE customers", "sql_statement", "UPDATE customers", 11, 12);
	assert_true(fx_has_link(e, "references_table", "orders"));
	/* FROM inside EXTRACT(...) names no table */
	e = fx_expect(&out, "sql:SELECT \"Orders\"", "sql_statement", "SELECT \"Orders\"", 13, 13);
	assert_true(fx_has_link(e, "references_table", "public.lines"));
	assert_int_equal(fx_count_links(e, "references_table"), 2);
	free(buf);
	arena_free(a);
}

static void test_ctes_are_not_tables(void **state)
{
	static const char sql[] =
	    "WITH RECURSIVE tree (id, parent) AS (\n"
	    "  SELECT id, parent_id FROM categories WHERE parent_id IS NULL\n"
	    "  UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id),\n"
	    " Totals AS MATERIALIZED (SELECT customer_id, sum(total) s FROM orders GROUP BY 1)\n"
	    "SELECT * FROM tree, totals JOIN customers ON customers.id = totals.customer_id,\n"
	    "  unnest(ARRAY[1]) WITH ORDINALITY AS u(x, n);\n"
	    "INSERT INTO tree_copy SELECT * FROM tree;\n";
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;

	(void)state;
	fx_extract_text(a, "q.sql", sql, strlen(sql), &out);
	assert_int_equal(out.count, 2);
	e = &out.items[0];
	assert_true(fx_has_link(e, "references_table", "categories"));
	assert_true(fx_has_link(e, "references_table", "orders"));
	assert_true(fx_has_link(e, "references_table", "customers"));
	assert_false(fx_has_link(e, "references_table", "tree"));
	assert_false(fx_has_link(e, "references_table", "totals"));
	assert_false(fx_has_link(e, "references_table", "t"));
	assert_int_equal(fx_count_links(e, "references_table"), 3);
	/* a CTE is the statement's own: in the next statement "tree" is a table */
	e = &out.items[1];
	assert_true(fx_has_link(e, "references_table", "tree_copy"));
	assert_true(fx_has_link(e, "references_table", "tree"));
	arena_free(a);
}

static void test_hostile(void **state)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	static const char *const bad[] = {
	    "",
	    ";",
	    "'unterminated",
	    "$$ never closed",
	    "/* open comment",
	    "CREATE",
	    "CREATE TABLE",
	    "CREATE TABLE t (",
	    "CREATE OR REPLACE PROCEDURE p IS BEGIN",
	    "DELIMITER",
	    "DELIMITER \n",
	    "SELECT 1\n/\n/\nGO\n",
	    "CREATE FUNCTION f() AS $a$ x $b$ y",
	    "\"unterminated ident",
	    "`x",
	    "CREATE PACKAGE p AS x; y; z;",
	    "END; END; END;",
	    "CASE CASE CASE END",
	};
	const char *crlf = "CREATE TABLE a (x INT);\r\n\r\nCREATE VIEW v AS\r\nSELECT * FROM a;\r\n";
	struct arena *a = arena_new();
	struct entity_list out = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out.count = 0;
		assert_int_equal(extract_file(a, &opt, "x.sql", bad[i], strlen(bad[i]), &out), 0);
	}
	out.count = 0;
	fx_extract_text(a, "x.sql", crlf, strlen(crlf), &out);
	fx_expect(&out, "sql:a", "sql_table", "a", 1, 1);
	fx_expect(&out, "sql:v", "sql_view", "v", 3, 4);
	/* an unclosed block does not swallow the statements after it */
	{
		const char *t =
		    "CREATE PROCEDURE p IS v NUMBER;\nCREATE TABLE b (y INT);\nCREATE TABLE c (z INT);\n";

		out.count = 0;
		fx_extract_text(a, "x.sql", t, strlen(t), &out);
		fx_expect(&out, "sql:b", "sql_table", "b", 2, 2);
		fx_expect(&out, "sql:c", "sql_table", "c", 3, 3);
	}
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schema_example),
	    cmocka_unit_test(test_reports_example),
	    cmocka_unit_test(test_oracle),
	    cmocka_unit_test(test_mysql_pg),
	    cmocka_unit_test(test_ctes_are_not_tables),
	    cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("sql", tests, NULL, NULL);
}
