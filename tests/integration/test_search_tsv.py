#!/usr/bin/python3
"""The search document the workers compute (src/index/codewords.c) equals
what PostgreSQL's reference function docxp_entity_tsv (sql/002_search.sql)
computes, for every entity of examples/: same lexemes, positions and
weights.  Entities the workers leave to PostgreSQL (non-ASCII text) get
the value from the fallback trigger (sql/003_index_throughput.sql), and so
does a row whose source columns change.  The stack cuts the documents of
classes at 300 characters ([indexing] container_search_chars, marked in
their metadata, sql/013): cut ones equal the reference over the same
characters too."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
SEARCHED = "left(content, coalesce((metadata ->> 'search_chars')::int, 100000))"
REF = ("docxp_entity_tsv(name, qualified_name, signature, metadata ->> 'javadoc', %s)" % SEARCHED)
# What the workers do not model: any non-ASCII character in an input.
NON_ASCII = ("(name || qualified_name || coalesce(signature, '') || coalesce(metadata ->> 'javadoc', '')"
             " || %s) ~ '[^\\x01-\\x7f]'" % SEARCHED)
CUT = 300


def make_stack():
    return Stack(workers=2, name="docxp-search-tsv",
                 extra_conf={"indexing": {"container_search_chars": str(CUT)}})


def index(stack):
    job = stack.start_job(EXAMPLES, "full")
    s = stack.wait_job(job, 180)
    eq(s["status"], "completed", "job status")
    return s


def test_worker_documents_equal_reference(stack):
    # Without the fallback, every stored document is the worker's own.
    stack.psql("ALTER TABLE entities DISABLE TRIGGER entities_search_tsv_insert")
    index(stack)
    total, computed, differ, missing, non_ascii = (int(v) for v in stack.psql(
        "SELECT count(*), count(search_tsv), count(*) FILTER (WHERE search_tsv::text <> %s::text),"
        " count(*) FILTER (WHERE search_tsv IS NULL AND NOT %s),"
        " count(*) FILTER (WHERE %s) FROM entities" % (REF, NON_ASCII, NON_ASCII))[0])
    ok(total > 100, "examples/ gives more than 100 entities (%d)" % total)
    cut, long_containers = (int(v) for v in stack.psql(
        "SELECT count(*) FILTER (WHERE metadata ->> 'search_chars' = '%d'),"
        " count(*) FILTER (WHERE length(content) > %d AND left(content, %d) !~ '[^\\x01-\\x7f]'"
        "  AND EXISTS (SELECT 1 FROM entities m"
        "  WHERE m.file_id = e.file_id AND m.parent = e.qualified_name)) FROM entities e" % (CUT, CUT, CUT))[0])
    ok(cut >= 10, "documents of classes cut at %d characters (%d)" % (CUT, cut))
    eq(cut, long_containers, "every longer entity with members is cut")
    eq(differ, 0, "worker documents that differ from docxp_entity_tsv")
    eq(missing, 0, "ASCII entities the worker left to PostgreSQL")
    eq(computed, total - non_ascii, "documents computed by the worker")
    bad = stack.psql("SELECT qualified_name, search_tsv::text, %s::text FROM entities"
                     " WHERE search_tsv::text <> %s::text LIMIT 3" % (REF, REF))
    ok(not bad, "first differences", bad)
    # Weights survived: names are A, bodies D.
    eq(stack.psql("SELECT count(*) FROM entities WHERE search_tsv IS NOT NULL"
                  " AND name ~ '^[A-Za-z][A-Za-z0-9]*$'"
                  " AND NOT ts_filter(search_tsv, '{a}') @@ to_tsquery('simple', lower(name))")[0][0],
       "0", "every plain name is an A lexeme")


def test_fallback_fills_the_rest(stack):
    stack.psql("ALTER TABLE entities ENABLE TRIGGER entities_search_tsv_insert")
    index(stack)
    total, computed, differ = (int(v) for v in stack.psql(
        "SELECT count(*), count(search_tsv), count(*) FILTER (WHERE search_tsv::text <> %s::text)"
        " FROM entities" % REF)[0])
    eq(computed, total, "every entity has a search document")
    eq(differ, 0, "documents that differ from docxp_entity_tsv")


def test_update_recomputes(stack):
    eid = stack.psql("SELECT min(id) FROM entities")[0][0]
    stack.psql("UPDATE entities SET name = 'zebraCrossingName' WHERE id = %s" % eid)
    eq(stack.psql("SELECT search_tsv @@ to_tsquery('simple', 'zebra & crossing & zebracrossingname'),"
                  " search_tsv::text = %s::text FROM entities WHERE id = %s" % (REF, eid))[0],
       ("t", "t"), "the document follows a changed name")


if __name__ == "__main__":
    sys.exit(taptest.main())
