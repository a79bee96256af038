#!/usr/bin/python3
"""Index examples/ through the API with two workers; health follows Redis
going down and coming back, and work continues after Redis lost its data."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
KEYS = ("job_id", "status", "repository_path", "job_type", "total_files", "files_processed",
        "files_skipped", "files_failed", "entities", "chunks_total", "chunks_done",
        "progress_percent", "skip_reasons", "commit", "branch", "created_at", "started_at",
        "finished_at")
job = {}


def make_stack():
    # The PostgreSQL keyword leg: its GIN indexes exist and are settled
    # after a job (test_search_indexes_settled); the default memory mode is
    # in test_search.
    return Stack(workers=2, name="docxp-index-examples",
                 extra_conf={"search": {"keyword_index": "postgresql"}})


def test_start_job(stack):
    st, _, b = stack.http("POST", "/api/v1/indexing/start",
                          {"repository_path": EXAMPLES, "job_type": "full"})
    eq(st, 202, "POST start: %r" % (b,))
    ok(isinstance(b, dict) and b.get("job_id"), "job_id", b)
    eq(b.get("status"), "pending")
    job["id"] = b["job_id"]


def test_job_completes(stack):
    s = stack.wait_job(job["id"], 180)
    job["final"] = s
    missing = [k for k in KEYS if k not in s]
    ok(not missing, "status JSON lacks %s" % missing, s)
    eq(s["status"], "completed", "status")
    eq(s["job_id"], job["id"])
    eq(s["repository_path"], EXAMPLES)
    eq(s["job_type"], "full")
    ok(s["total_files"] >= 40, "total_files >= 40 (examples has 75 files)", s)
    eq(s["total_files"], s["files_processed"] + s["files_skipped"] + s["files_failed"],
       "total = processed + skipped + failed")
    eq(s["files_failed"], 0, "files_failed")
    ok(s["entities"] > 0, "entities > 0", s)
    eq(s["chunks_done"], s["chunks_total"], "chunks_done == chunks_total")
    ok(s["chunks_total"] >= 1, "chunks_total", s)
    eq(float(s["progress_percent"]), 100.0, "progress_percent")
    ok(isinstance(s["skip_reasons"], dict), "skip_reasons is an object", s)
    eq(sum(s["skip_reasons"].values()), s["files_skipped"], "skip_reasons add up")
    ok(s["created_at"] and s["started_at"] and s["finished_at"], "timestamps", s)
    ok(s["created_at"] <= s["started_at"] <= s["finished_at"], "timestamps ordered", s)


def test_local_vectors_not_cached(stack):
    """[embedding] cache = auto: the local provider's vectors are computed,
    not cached in Redis (test_bedrock covers the cache of a remote one)."""
    vecs = int(stack.psql("SELECT count(*) FROM entity_embeddings")[0][0])
    ok(vecs > 0, "vectors stored", vecs)
    # Stored sparse (src/store/veccodec.h): a bitmap of the 1024
    # dimensions, then the non-zero values, each row exactly that long.
    bad = stack.psql(
        "SELECT count(*) FROM entity_embeddings WHERE length(vec) <> 128 + "
        "(SELECT sum(length(replace(get_byte(vec, i)::bit(8)::text, '0', ''))) "
        "FROM generate_series(0, 127) i)")[0][0]
    eq(int(bad), 0, "every local vector stored in the sparse form")
    keys = stack.redis("KEYS", "*emb:*")
    eq(keys, [], "no embedding cache entries in Redis")


def test_database_agrees(stack):
    s = job["final"]
    files = int(stack.psql("SELECT count(*) FROM files")[0][0])
    eq(files, s["files_processed"], "rows in files vs files_processed")
    ents = int(stack.psql("SELECT count(*) FROM entities")[0][0])
    eq(ents, s["entities"], "rows in entities vs entities")
    java = stack.psql("SELECT count(*) FROM files WHERE lower(language) = 'java'")[0][0]
    ok(int(java) >= 39, "java files recognised", java)


def test_search_indexes_settled(stack):
    """When a job ends its worker merges the GIN pending lists of the search
    indexes (their 4 MB lists speed indexing up; searches would scan them)."""
    stack.psql("CREATE EXTENSION IF NOT EXISTS pgstattuple")
    gin = stack.psql("SELECT c.relname, coalesce(array_to_string(c.reloptions, ','), '') FROM pg_index x"
                     " JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam"
                     " WHERE x.indrelid = 'entities'::regclass AND am.amname = 'gin'")
    eq(len(gin), 4, "the entities' GIN indexes (keyword_index = postgresql): %r" % (gin,))
    for name, opts in gin:
        ok("gin_pending_list_limit=4096" in opts, "%s: pending list limit" % name, opts)
    deadline = time.monotonic() + 20
    while True:
        pending = stack.psql("SELECT c.relname, (pgstatginindex(c.oid)).pending_pages FROM pg_index x"
                             " JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam"
                             " WHERE x.indrelid = 'entities'::regclass AND am.amname = 'gin'")
        if all(p == "0" for _, p in pending) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    ok(all(p == "0" for _, p in pending), "pending pages left after the job", pending)


def test_listed_as_completed(stack):
    st, _, b = stack.http("GET", "/api/v1/indexing/jobs?status_filter=completed&limit=20&offset=0")
    eq(st, 200)
    ok(isinstance(b.get("jobs"), list), "jobs list", b)
    ok(job["id"] in [j.get("job_id") for j in b["jobs"]], "job in completed list", b)
    ok(b.get("total", 0) >= 1 and b.get("limit") == 20 and b.get("offset") == 0, "paging", b)
    st, _, b = stack.http("GET", "/api/v1/indexing/jobs?status_filter=failed")
    eq(st, 200)
    ok(job["id"] not in [j.get("job_id") for j in b["jobs"]], "not in failed list", b)


def test_health_ok(stack):
    st, _, b = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 200)
    eq(b.get("status"), "ok")
    eq(b["services"]["postgresql"]["status"], "ok")
    eq(b["services"]["redis"]["status"], "ok")


def test_health_redis_down(stack):
    stack.stop_redis()
    st, _, b = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 503, "health with Redis down: %r" % (b,))
    eq(b["services"]["redis"]["status"], "down", "redis")
    eq(b["services"]["postgresql"]["status"], "ok", "postgresql")
    ok(b.get("status") in ("down", "degraded"), "overall status", b)


def test_health_redis_back(stack):
    stack.start_redis()
    deadline = time.monotonic() + 30
    while True:
        st, _, b = stack.http("GET", "/api/v1/indexing/health")
        if st == 200 and b.get("status") == "ok":
            break
        ok(time.monotonic() < deadline, "health not ok 30 s after Redis came back", st, b)
        time.sleep(0.3)
    eq(b["services"]["redis"]["status"], "ok")


def test_index_after_redis_restart(stack):
    # Redis restarted empty: workers must reconnect and the new job finish.
    j = stack.start_job(EXAMPLES, "full")
    s = stack.wait_job(j, 180)
    eq(s["status"], "completed", "job after Redis restart")
    eq(s["files_processed"], job["final"]["files_processed"])
    eq(s["entities"], job["final"]["entities"])



ORPHANS = (("vectors without entity", "SELECT count(*) FROM entity_embeddings v"
            " WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = v.entity_id)"),
           ("links without entity", "SELECT count(*) FROM entity_links l"
            " WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = l.entity_id)"),
           ("entities without file", "SELECT count(*) FROM entities e"
            " WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = e.file_id)"))


def test_reindex_leaves_no_orphans(stack):
    """The second full job replaced every file's entities: the cascades
    (sql/009 triggers) removed the old rows' vectors and links."""
    for what, sql in ORPHANS:
        eq(stack.psql(sql)[0][0], "0", what)
    ents, vecs = (int(v) for v in stack.psql(
        "SELECT (SELECT count(*) FROM entities), (SELECT count(DISTINCT entity_id) FROM entity_embeddings)")[0])
    eq(ents, job["final"]["entities"], "one generation of entities")
    eq(vecs, ents, "every entity has its vectors, once")


def test_repository_delete_cascades(stack):
    """Deleting a repository row removes its files, entities, links and
    vectors (files by foreign key, the rest by the sql/009 triggers)."""
    stack.psql("DELETE FROM repositories")
    for table in ("files", "entities", "entity_links", "entity_embeddings"):
        eq(stack.psql("SELECT count(*) FROM %s" % table)[0][0], "0", "%s left" % table)


if __name__ == "__main__":
    sys.exit(taptest.main())
