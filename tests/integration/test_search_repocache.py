#!/usr/bin/python3
"""docxp-api keeps what a search asks PostgreSQL about the repositories
(src/store/searchstore.c, searchstore_repositories_cached) until the
triggers on repositories and jobs notify a change: the cache serves
repeated searches, and a repository created, re-indexed, renamed or
deleted is what the very next search sees."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
state = {}


CLASS = """package com.acme;

public class %(cls)s {
%(methods)s}
"""


def make_stack():
    return Stack(workers=1, name="docxp-search-repocache")


def write_repo(path, cls, methods):
    d = os.path.join(path, "src", "com", "acme")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, cls + ".java"), "w") as f:
        f.write(CLASS % {"cls": cls, "methods": "".join(
            "    /** %s the ledger. */\n    public int %s(int x) {\n        return x + 1;\n    }\n\n"
            % (m, m) for m in methods)})


def index(stack, path, kind="full"):
    s = stack.wait_job(stack.start_job(path, kind), 120)
    eq(s["status"], "completed", "indexing %s" % path)


def search(stack, q, repository=None):
    body = {"query": q, "mode": "keyword"}
    if repository:
        body["repository"] = repository
    return stack.http("POST", "/api/v1/search/hybrid", body)


def names(stack, q, repository=None):
    st, _, b = search(stack, q, repository)
    eq(st, 200, "search %r in %r: %r" % (q, repository, b))
    return [r["name"] for r in b["results"]]


def cache(stack):
    st, _, h = stack.http("GET", "/api/v1/search/health")
    eq(st, 200)
    return h["repository_cache"]


def test_setup(stack):
    # sql/011 installs the triggers the cache listens to
    eq(stack.psql("SELECT count(*) FROM pg_trigger WHERE tgname = 'docxp_search_changed'")[0][0], "2")
    state["a"] = stack.path("repos", "alpha")
    write_repo(state["a"], "LedgerAlpha", ["reconcileAlphaLedger"])
    index(stack, state["a"])
    ok("reconcileAlphaLedger" in names(stack, "reconcileAlphaLedger", state["a"]), "first search finds it")
    ok(cache(stack)["listening"], "the cache listens for changes", cache(stack))


def test_repeated_searches_are_served_from_the_cache(stack):
    before = cache(stack)
    for _ in range(5):
        ok("reconcileAlphaLedger" in names(stack, "reconcileAlphaLedger", state["a"]), "found")
    after = cache(stack)
    ok(after["hits"] >= before["hits"] + 4, "repeated searches hit the cache", (before, after))


def test_reindex_is_seen_by_the_next_search(stack):
    write_repo(state["a"], "LedgerAlpha", ["reconcileAlphaLedger", "quokkaTransferAlpha"])
    n0 = cache(stack)["notifications"]
    index(stack, state["a"], "incremental")
    ok("quokkaTransferAlpha" in names(stack, "quokkaTransferAlpha", state["a"]),
       "the first search after re-indexing finds the new method")
    ok(cache(stack)["notifications"] > n0, "the job's commits were notified")


def test_created_repository_is_seen(stack):
    b = stack.path("repos", "beta")
    write_repo(b, "LedgerBeta", ["wombatTransferBeta"])
    # asked for before it exists: 404, and that answer is cached
    for _ in range(2):
        eq(search(stack, "wombatTransferBeta", b)[0], 404, "no repository yet")
    ok("wombatTransferBeta" not in names(stack, "wombatTransferBeta"), "not among all repositories yet")
    index(stack, b)
    ok("wombatTransferBeta" in names(stack, "wombatTransferBeta", b), "found by its path once created")
    ok("wombatTransferBeta" in names(stack, "wombatTransferBeta"), "found among all repositories")
    state["b"] = b


def test_renamed_repository_is_seen(stack):
    old = state["a"]
    new = old + "-renamed"
    ok("reconcileAlphaLedger" in names(stack, "reconcileAlphaLedger", old), "found by the old path")
    eq(search(stack, "reconcileAlphaLedger", new)[0], 404, "the new path is unknown before the rename")
    stack.psql("UPDATE repositories SET path = '%s' WHERE path = '%s'" % (new, old))
    eq(search(stack, "reconcileAlphaLedger", old)[0], 404, "the old path is gone at once")
    ok("reconcileAlphaLedger" in names(stack, "reconcileAlphaLedger", new), "found by the new path at once")
    state["a"] = new


def test_deleted_repository_is_seen(stack):
    b = state["b"]
    ok("wombatTransferBeta" in names(stack, "wombatTransferBeta"), "found among all repositories")
    stack.psql("DELETE FROM repositories WHERE path = '%s'" % b)
    eq(search(stack, "wombatTransferBeta", b)[0], 404, "a deleted repository is gone at once")
    ok("wombatTransferBeta" not in names(stack, "wombatTransferBeta"),
       "and no longer among all repositories")


def test_without_notifications_nothing_is_cached(stack):
    # the listening connection dies (PostgreSQL terminates it): searches
    # ask PostgreSQL again until it listens anew
    eq(stack.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                  " WHERE query LIKE '%%pg_trigger%%docxp_search_changed%%' AND pid <> pg_backend_pid()")[0][0],
       "1", "the listening connection terminated")
    stack.psql("UPDATE repositories SET path = path || '-x' WHERE path = '%s'" % state["a"])
    eq(search(stack, "reconcileAlphaLedger", state["a"])[0], 404, "renamed while not listening")
    ok("reconcileAlphaLedger" in names(stack, "reconcileAlphaLedger", state["a"] + "-x"), "new path")


if __name__ == "__main__":
    sys.exit(taptest.main())
