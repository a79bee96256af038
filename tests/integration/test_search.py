#!/usr/bin/python3
"""Search over examples/: identifiers, a typo, a Struts action path, a JSP
name and a natural-language query find the right entity first; filters
narrow; every hit says where it comes from; hostile queries get 400 or an
empty answer, never a 500; entities, health and the CLI."""
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
state = {}


def make_stack():
    return Stack(workers=2, name="docxp-search")


def search(stack, query, **kw):
    body = dict(kw)
    body["query"] = query
    return stack.http("POST", "/api/v1/search/hybrid", body)


def first(stack, query, **kw):
    st, _, b = search(stack, query, **kw)
    eq(st, 200, "search %r: %r" % (query, b))
    ok(b["results"], "no results for %r" % query, b)
    return b["results"][0], b


def test_index_examples(stack):
    j = stack.start_job(EXAMPLES, "full")
    s = stack.wait_job(j, 180)
    eq(s["status"], "completed", "indexing examples/")
    state["job"] = s


def test_identifier_first(stack):
    # the UserDAO / findByEmail are CustomerDao / findByCustomerNo here
    for q, kind, name, path in (
            ("CustomerDao", "interface", "CustomerDao", "dao/CustomerDao.java"),
            ("JdbcCustomerDao", "class", "JdbcCustomerDao", "dao/jdbc/JdbcCustomerDao.java"),
            ("findByCustomerNo", "method", "findByCustomerNo", "CustomerDao.java"),
            ("find by customer no", "method", "findByCustomerNo", "CustomerDao.java"),
            ("find_by_customer_no", "method", "findByCustomerNo", "CustomerDao.java")):
        for mode in ("hybrid", "keyword"):
            hit, _ = first(stack, q, mode=mode)
            ok(hit["name"] == name and hit["kind"] == kind and hit["file"]["path"].endswith(path),
               "%s %r: first hit is %s %s in %s" % (mode, q, hit["kind"], hit["name"], hit["file"]["path"]),
               hit)


def test_typo_first(stack):
    hit, _ = first(stack, "findByCustmerNo")
    eq(hit["name"], "findByCustomerNo", "typo findByCustmerNo")
    hit, _ = first(stack, "JdbcCustmerDao")
    eq(hit["name"], "JdbcCustomerDao", "typo JdbcCustmerDao")


def test_struts_action_and_jsp(stack):
    hit, _ = first(stack, "/orderEdit")
    eq((hit["kind"], hit["name"]), ("struts_action", "/orderEdit"), "Struts action path")
    ok(hit["file"]["path"].endswith("WEB-INF/struts-config.xml"), "action in struts-config.xml", hit)
    # the action's class link is resolved to the class entity
    cls = [l for l in hit["links"] if l["kind"] == "action_class"]
    ok(cls and cls[0]["entity"] and cls[0]["entity"]["name"] == "OrderEditAction",
       "action_class link resolved", hit["links"])
    ok(cls[0]["entity"]["path"].endswith("OrderEditAction.java") and cls[0]["entity"]["start_line"] >= 1,
       "resolved link has path and line", cls)
    hit, _ = first(stack, "edit.jsp")
    eq((hit["kind"], hit["name"]), ("jsp_page", "edit.jsp"), "JSP name")
    ok(hit["file"]["path"].endswith("webapp/orders/edit.jsp"), "JSP path", hit)


def test_member_links_resolve_in_their_file(stack):
    # an embedded statement's sql_in link names its method or field: members
    # are outside the link indexes (sql/015) and resolve in the link's file
    st, _, b = search(stack, "order_no customer_id", kind="sql", limit=20)
    eq(st, 200, "sql search: %r" % (b,))
    links = [(h, l) for h in b["results"] for l in h["links"] if l["kind"] == "sql_in"]
    ok(links, "embedded statements with sql_in links", b["results"][:3])
    for h, l in links:
        ok(l["entity"] and l["entity"]["kind"] in ("method", "field", "constructor"),
           "sql_in resolved to a member", l)
        eq(l["entity"]["path"], h["file"]["path"], "resolved in the statement's file")
        eq(l["entity"]["name"], re.split(r"[.#]", l["target"])[-1].split("(")[0],
           "the member the link names")


def test_natural_language_first(stack):
    # bench/relevance has more (and the ones hybrid still misses)
    for q, name in (("sum of the net line totals", "getNetTotal"),
                    ("update an order with optimistic locking", "update"),
                    ("add working days skipping weekends", "addWorkingDays")):
        hit, b = first(stack, q)
        eq(hit["name"], name, "natural language %r (legs %r)" % (q, b["legs"]))


def test_fusion_weights(stack):
    # a question none of whose entities has every word: the keyword leg's
    # loose name matches do not vote, the semantic leg ranks (and says so)
    _, b = first(stack, "authenticating a user with password")
    eq(b["legs"]["keyword"]["weight"], 0, "loose keyword matches not fused: %r" % b["legs"])
    ok(b["results"][0]["scores"]["semantic"], "semantic hit first", b["results"][0])
    # words all present somewhere: both legs vote, the keyword leg fully
    _, b = first(stack, "sum of the net line totals")
    eq(b["legs"]["keyword"]["weight"], 1, "keyword leg fused: %r" % b["legs"])
    ok(0 < b["legs"]["semantic"]["weight"] < 1, "semantic weight for prose", b["legs"])
    ok(b["results"][0]["scores"]["keyword"]["all_words"], "every word in the first hit", b["results"][0])


def test_hit_provenance(stack):
    hit, b = first(stack, "findByCustomerNo")
    for k in ("id", "kind", "name", "qualified_name", "repository", "file", "start_line", "end_line",
              "snippet", "links", "scores"):
        ok(k in hit, "hit lacks %s" % k, hit)
    eq(hit["repository"]["path"], EXAMPLES)
    ok(hit["file"]["indexed_at"], "indexed_at", hit)
    ok("commit" in hit["file"], "commit (null outside git)", hit)
    ok(hit["end_line"] >= hit["start_line"] >= 1, "lines", hit)
    ok("\u00ab" in hit["snippet"] and "\u00bb" in hit["snippet"], "matched terms marked", hit["snippet"])
    ok(hit["scores"]["keyword"]["rank"] == 1 and hit["scores"]["fused"] > 0, "scores per leg", hit["scores"])
    eq(b["legs"]["keyword"]["status"], "ok")
    eq(b["legs"]["semantic"]["status"], "ok")
    ok(b["legs"]["keyword"]["ms"] >= 0 and b["legs"]["semantic"]["ms"] >= 0, "leg timings", b["legs"])
    # modes
    for mode in ("keyword", "semantic"):
        st, _, b = search(stack, "findByCustomerNo", mode=mode)
        eq(st, 200)
        other = "semantic" if mode == "keyword" else "keyword"
        eq(b["legs"][other]["status"], "skipped", "%s mode skips the %s leg" % (mode, other))
        ok(b["results"], "%s mode finds something" % mode, b)
    state["entity"] = hit["id"]


def test_filters_narrow(stack):
    def names(**kw):
        st, _, b = search(stack, "customer", limit=100, **kw)
        eq(st, 200, "filters %r: %r" % (kw, b))
        return b["results"]
    everything = names()
    ok(len({h["language"] for h in everything}) > 1, "several languages unfiltered", everything[:3])
    for h in names(language="java"):
        eq(h["language"], "java", "language filter")
    for h in names(kind="method"):
        eq(h["kind"], "method", "kind filter")
    for h in names(path_prefix="src/main/webapp/"):
        ok(h["file"]["path"].startswith("src/main/webapp/"), "path_prefix filter", h["file"])
    jsps = names(path_glob="*.jsp")
    ok(jsps, "glob finds JSPs")
    for h in jsps:
        ok(h["file"]["path"].endswith(".jsp"), "path_glob filter", h["file"])
    both = names(kind="method", path_prefix="src/main/java/com/acme/orders/dao/", mode="semantic")
    ok(both, "semantic leg with filters")
    for h in both:
        ok(h["kind"] == "method" and "/dao/" in h["file"]["path"], "semantic filters", h)
    eq(len(names(repository=EXAMPLES)), len(everything), "repository by path")
    rid = everything[0]["repository"]["id"]
    eq(len(names(repository=rid)), len(everything), "repository by id")
    st, _, b = search(stack, "customer", repository="/no/such/repo")
    taptest.json_error((st, {"content-type": "application/json"}, b), 404, "not_found")
    # GET with the same filters
    st, _, b = stack.http("GET", "/api/v1/search?" + urllib.parse.urlencode(
        {"q": "customer", "language": "jsp", "limit": 5}))
    eq(st, 200, "GET search: %r" % (b,))
    ok(b["results"] and all(h["language"] == "jsp" for h in b["results"]), "GET filters", b)
    eq(b["limit"], 5)
    # paging
    st, _, p1 = search(stack, "customer", limit=5, offset=0)
    st, _, p2 = search(stack, "customer", limit=5, offset=5)
    ok(not ({h["id"] for h in p1["results"]} & {h["id"] for h in p2["results"]}), "pages do not overlap")


def test_validation(stack):
    for body, field in (({"query": "x", "bogus": 1}, "bogus"), ({"query": "x", "limit": 101}, "limit"),
                        ({"query": "x", "mode": "fuzzy"}, "mode"), ({"query": 5}, "query"),
                        ({"query": "x", "path_glob": "/abs"}, "path_glob"), ({}, "query")):
        st, h, b = stack.http("POST", "/api/v1/search/hybrid", body)
        taptest.json_error((st, h, b), 422, "validation_error", what=repr(body))
        ok(field in b["error"]["message"], "error names %s" % field, b)
    st, h, b = stack.http("GET", "/api/v1/search?q=x&colour=red")
    taptest.json_error((st, h, b), 422, what="unknown GET parameter")
    ok("colour" in b["error"]["message"], "names the parameter", b)


def test_hostile_queries(stack):
    cases = ["", "   ", "x" * 10240, "!!!...,,,;;;", "'; DROP TABLE entities; --", "a & | ! <-> :* ''",
             "%_\\", "\u0000", "\x01\x02\x03", "((((((((((", "\u00e9\u00e8" * 300]
    for q in cases:
        st, h, b = search(stack, q)
        ok(st in (200, 400), "query %r: status %s" % (q[:40], st), b)
        if st == 200:
            ok(isinstance(b.get("results"), list), "results list", b)
        else:
            taptest.json_error((st, h, b), 400)
    # the same through GET, and raw invalid UTF-8 bytes in a body and a URL
    for q in ("", "x" * 10240, "'; DROP TABLE entities; --"):
        st, _, b = stack.http("GET", "/api/v1/search?q=" + urllib.parse.quote(q))
        ok(st in (200, 400, 414), "GET %r: %s" % (q[:30], st), b)
    st, h, b = stack.http("POST", "/api/v1/search/hybrid", b'{"query": "caf\xff\xfe"}',
                          headers={"Content-Type": "application/json"})
    ok(st == 400, "invalid UTF-8 in the body: %s" % st, b)
    st, h, b = stack.http("GET", "/api/v1/search?q=caf%FF%FE")
    ok(st == 400, "invalid UTF-8 in the URL: %s" % st, b)
    st, _, b = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 200, "still healthy after hostile queries")


def test_entity_document(stack):
    st, _, b = stack.http("GET", "/api/v1/entities/%d" % state["entity"])
    eq(st, 200, "GET entity: %r" % (b,))
    eq(b["name"], "findByCustomerNo")
    ok("findByCustomerNo" in b["content"], "full text", b)
    ok(isinstance(b["links"], list) and isinstance(b["linked_from"], list), "links both ways", b)
    # an action's class is linked from the action
    hit, _ = first(stack, "OrderEditAction", kind="class")
    st, _, b = stack.http("GET", "/api/v1/entities/%d" % hit["id"])
    eq(st, 200)
    ok(any(l["kind"] == "action_class" and l["entity"]["name"] == "/orderEdit" for l in b["linked_from"]),
       "linked_from the Struts action", b["linked_from"])
    for bad in ("0", "999999999", "abc", "1e3"):
        st, h, b = stack.http("GET", "/api/v1/entities/" + bad)
        taptest.json_error((st, h, b), 404, "not_found", what=bad)


def test_search_health(stack):
    st, _, b = stack.http("GET", "/api/v1/search/health")
    eq(st, 200, "search health: %r" % (b,))
    lat = b["latency"]
    ok(lat["queries"] > 10 and lat["window"] > 10, "recent queries counted", b)
    ok(0 < lat["p50_ms"] <= lat["p95_ms"] <= lat["max_ms"], "percentiles ordered", b)
    eq(b["targets"]["p50_ms"], 10)
    eq(b["targets"]["p95_ms"], 30)
    ok(b["vector_index"]["vectors"] > 0 and b["vector_index"]["bytes"] > 0, "vectors held", b)
    # the same latencies as a Prometheus histogram by mode (issue 11)
    st, _, text = stack.http("GET", "/metrics")
    eq(st, 200)
    text = text if isinstance(text, str) else text.decode()
    for mode in ("hybrid", "keyword", "semantic"):
        m = re.search(r'^docxp_search_duration_seconds_count\{mode="%s"\} (\S+)$' % mode, text, re.M)
        ok(m and float(m.group(1)) >= 1, "search histogram for mode %s" % mode, text[-2000:])
    ok(re.search(r'^docxp_search_duration_seconds_bucket\{mode="hybrid",le="0.01"\} ', text, re.M),
       "10 ms bucket", text[-2000:])
    ok("# TYPE docxp_search_duration_seconds histogram" in text, "histogram type", text[-2000:])


def test_cli(stack):
    env = dict(os.environ, **stack.env_vars())
    p = subprocess.run([stack.binary("docxp"), "search", "findByCustomerNo", "--repository", EXAMPLES,
                        "--limit", "3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       universal_newlines=True, timeout=30)
    eq(p.returncode, 0, "docxp search: %s" % p.stderr)
    lines = p.stdout.splitlines()
    eq(len(lines), 3, "three hits")
    ok(lines[0].startswith("src/main/java/com/acme/orders/dao/CustomerDao.java:14: method findByCustomerNo  ("),
       "grep-like first line", lines)
    p = subprocess.run([stack.binary("docxp"), "search", "zzqqxxnothing", "--mode", "keyword"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, universal_newlines=True,
                       timeout=30)
    eq(p.returncode, 1, "no match exits 1 like grep")


KEYWORD_QUERIES = (
    ({"query": "CustomerDao"}), ({"query": "findByCustomerNo"}), ({"query": "find by customer no"}),
    ({"query": "findByCustmerNo"}), ({"query": "JdbcCustmerDao"}), ({"query": "/orderEdit"}),
    ({"query": "edit.jsp"}), ({"query": "total of the order lines"}), ({"query": "customer", "kind": "method"}),
    ({"query": "order", "path_prefix": "src/main/java/com/acme/orders/dao/"}),
    ({"query": "customer", "path_glob": "**/*.jsp"}), ({"query": "zzqqxxnothing"}))


def keyword_answers(stack):
    out = []
    for q in KEYWORD_QUERIES:
        st, _, b = search(stack, mode="keyword", limit=10, repository=EXAMPLES, **q)
        eq(st, 200, "keyword search %r: %r" % (q, b))
        eq(b["legs"]["keyword"]["status"], "ok", "keyword leg of %r: %r" % (q, b["legs"]))
        out.append([(h["file"]["path"], h["name"], h["start_line"], round(h["scores"]["keyword"]["score"], 4))
                    for h in b["results"]])
    return out


def test_keyword_index_modes(stack):
    """[search] keyword_index: the in-memory index (default) and PostgreSQL
    rank alike (PostgreSQL ranks a capped sample of a common word's
    matches, memory ranks them all: the first hits agree)."""
    st, _, h = stack.http("GET", "/api/v1/search/health")
    eq(h["keyword_index"]["mode"], "memory")
    ok(h["keyword_index"]["entities"] > 100 and h["keyword_index"]["bytes"] > 0, "keyword index held", h)
    ok(h["document_cache"]["hits"] > 0 and h["document_cache"]["entries"] > 0, "hit documents cached", h)
    mem = keyword_answers(stack)
    search_indexes = ("SELECT count(*) FROM pg_indexes WHERE indexname IN ('entities_search_tsv_idx',"
                      " 'entities_name_words_idx', 'entities_name_trgm_idx',"
                      " 'entities_qualified_name_trgm_idx', 'entities_repository_name_idx')")
    eq(stack.psql(search_indexes)[0][0], "0", "no PostgreSQL keyword indexes in memory mode")
    stack.extra_conf.setdefault("search", {})["keyword_index"] = "postgresql"
    try:
        stack._write_config()
        # restarted without migrate: the search health says what is missing
        stack.stop_api()
        stack.start_api()
        st, _, h = stack.http("GET", "/api/v1/search/health")
        eq(h["keyword_index"]["postgresql_indexes"], 0, "indexes reported missing")
        ok("docxp migrate" in h["keyword_index"].get("hint", ""), "hint", h["keyword_index"])
        eq(h["status"], "degraded", "search health without the indexes")
        # the operator's steps: migrate (creates the indexes), restart
        r = stack.docxp("-c", stack.config, "migrate", timeout=120)
        eq(r.returncode, 0, "docxp migrate: " + r.stderr)
        ok("created 5 PostgreSQL keyword search indexes" in r.stdout, "migrate says so", r.stdout)
        eq(stack.psql(search_indexes)[0][0], "5", "the keyword indexes exist in postgresql mode")
        stack.stop_api()
        stack.start_api()
        st, _, h = stack.http("GET", "/api/v1/search/health")
        eq(h["keyword_index"]["postgresql_indexes"], 5, "indexes reported present")
        ok("hint" not in h["keyword_index"], "no hint once migrated", h["keyword_index"])
        st, _, h = stack.http("GET", "/api/v1/search/health")
        eq(h["keyword_index"]["mode"], "postgresql")
        pg = keyword_answers(stack)
        st, _, h = stack.http("GET", "/api/v1/search/health")
        eq(h["keyword_index"]["repositories"], 0, "no keyword index held in postgresql mode")
    finally:
        stack.extra_conf["search"]["keyword_index"] = "memory"
        stack._write_config()
        r = stack.docxp("-c", stack.config, "migrate", timeout=120)
        stack.stop_api()
        stack.start_api()
    eq(r.returncode, 0, "docxp migrate: " + r.stderr)
    ok("dropped 5 PostgreSQL keyword search indexes" in r.stdout, "migrate says so", r.stdout)
    eq(stack.psql(search_indexes)[0][0], "0", "the keyword indexes are gone in memory mode")
    for q, m, p in zip(KEYWORD_QUERIES, mem, pg):
        eq(bool(m), bool(p), "both find something or both nothing for %r" % (q,))
        if m and p:
            eq(m[0], p[0], "same first hit and score for %r" % (q,))
            # the hits both rank have the same scores
            pm = dict(((x[0], x[1], x[2]), x[3]) for x in p)
            for x in m:
                if (x[0], x[1], x[2]) in pm:
                    ok(abs(pm[(x[0], x[1], x[2])] - x[3]) < 2e-4, "same score for %r in %r" % (x, q), (m, p))


def test_reindex_refreshes_vectors(stack):
    st, _, b = stack.http("GET", "/api/v1/search/health")
    loads = b["vector_index"]["loads"]
    j = stack.start_job(EXAMPLES, "full")
    eq(stack.wait_job(j, 180)["status"], "completed")
    # reloads are at most every 5 s (search.c SEARCH_MIN_RELOAD_MS)
    deadline = time.monotonic() + 20
    while True:
        hit, b = first(stack, "findByCustomerNo", mode="semantic")
        eq(b["legs"]["semantic"]["status"], "ok")
        eq(hit["name"], "findByCustomerNo", "semantic hit after re-indexing")
        hit, b = first(stack, "findByCustomerNo", mode="keyword")
        eq(b["legs"]["keyword"]["status"], "ok")
        eq(hit["name"], "findByCustomerNo", "keyword hit after re-indexing")
        st, _, h = stack.http("GET", "/api/v1/search/health")
        # the vectors and the keyword index count both here
        if h["vector_index"]["loads"] >= loads + 2:
            ok(h["keyword_index"]["entities"] > 100, "keyword index reloaded", h)
            break
        ok(time.monotonic() < deadline, "vectors reloaded within 20 s of re-indexing", h)
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(taptest.main())
