#!/usr/bin/python3
"""Invariant 2: the index does not depend on how the work was spread.  The
same generated repository (300 files in 12 directories, binaries, one
oversized file, a symlink pointing outside) is indexed by 1 worker on one
fresh stack and by 3 workers on another; files and entities must be
identical row for row, and the skip reasons counted."""
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

CONF = {"indexing": {"chunk_size": "10", "max_file_bytes": "256k"}}
FILES_SQL = ("SELECT path, content_sha256, size_bytes, language, line_count "
             "FROM files ORDER BY path")
ENTITIES_SQL = ("SELECT f.path, e.ordinal, e.kind, e.name, e.qualified_name, e.start_line, "
                "e.end_line, md5(e.content) FROM entities e JOIN files f ON f.id = e.file_id "
                "ORDER BY 1, 2")
ISSUES_SQL = "SELECT path, kind, reason FROM job_file_issues ORDER BY path"
N_BINARY = 4
state = {}

JAVA = """package com.acme.%(pkg)s;

import java.util.List;
import java.util.ArrayList;

/** %(cls)s: generated for the docxp worker equivalence test. */
public class %(cls)s extends Base%(n)d implements Runnable {
    private final List<String> items = new ArrayList<>();
    private int counter%(n)d;

%(methods)s
    @Override
    public void run() {
        counter%(n)d++;
    }
}
"""
METHOD = """    public int %(name)s(int a, String b) {
        if (b == null) {
            return a * %(k)d;
        }
        items.add(b + "%(name)s");
        return a + b.length() + %(k)d;
    }

"""
JSP = """<%%@ page contentType="text/html;charset=UTF-8" %%>
<%%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %%>
<html><body>
<h1>Page %(n)d</h1>
<html:form action="/save%(n)d">
  <html:text property="name%(n)d"/>
  <html:submit/>
</html:form>
<jsp:include page="/WEB-INF/jspf/footer.jspf"/>
</body></html>
"""
STRUTS = """<?xml version="1.0" encoding="UTF-8"?>
<struts-config>
  <form-beans>
    <form-bean name="form%(n)d" type="com.acme.web.Form%(n)d"/>
  </form-beans>
  <action-mappings>
    <action path="/save%(n)d" type="com.acme.web.SaveAction%(n)d" name="form%(n)d" scope="request">
      <forward name="success" path="/page%(n)d.jsp"/>
    </action>
  </action-mappings>
</struts-config>
"""
SQL = """-- schema part %(n)d
CREATE TABLE t%(n)d (id integer PRIMARY KEY, name varchar(80) NOT NULL);
INSERT INTO t%(n)d (id, name) VALUES (%(n)d, 'row %(n)d');
SELECT id, name FROM t%(n)d WHERE id > %(n)d ORDER BY name;
"""


def generate_repo(root):
    """Deterministic: 12 directories, 300 indexable text files, 4 binaries,
    one file over max_file_bytes, one symlink to a file outside the repo."""
    rnd = random.Random(20240611)
    dirs = ["src/main/java/com/acme/d%02d" % i for i in range(8)] + \
           ["src/main/webapp/WEB-INF", "src/main/webapp/pages", "src/main/resources", "sql"]
    for d in dirs:
        os.makedirs(os.path.join(root, d))
    n = 0
    while n < 300:
        d = dirs[n % len(dirs)]
        if d.startswith("src/main/java"):
            methods = "".join(METHOD % {"name": "m%d_%d" % (n, k), "k": rnd.randint(1, 999)}
                              for k in range(rnd.randint(1, 6)))
            name, text = "C%03d.java" % n, JAVA % {"pkg": os.path.basename(d), "cls": "C%03d" % n,
                                                  "n": n, "methods": methods}
        elif d.endswith("WEB-INF"):
            name, text = "struts-config-%03d.xml" % n, STRUTS % {"n": n}
        elif d.endswith("pages"):
            name, text = "page%03d.jsp" % n, JSP % {"n": n}
        elif d == "sql":
            name, text = "schema%03d.sql" % n, SQL % {"n": n}
        else:
            name = "messages%03d.properties" % n
            text = "".join("key.%d.%d = value %d\n" % (n, k, rnd.randint(0, 10 ** 6))
                           for k in range(rnd.randint(3, 30)))
        with open(os.path.join(root, d, name), "w") as f:
            f.write(text)
        n += 1
    # binaries: two with telling extensions, two that only their bytes betray
    blobs = [("src/main/webapp/pages/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
             ("src/main/java/com/acme/d00/Old.class", b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(512)),
             ("src/main/resources/data.bin", bytes(rnd.getrandbits(8) for _ in range(4096))),
             ("sql/dump.sql", b"-- looks like SQL\n\x00\x01\x02\x00" + bytes(300))]
    assert len(blobs) == N_BINARY
    for p, b in blobs:
        with open(os.path.join(root, p), "wb") as f:
            f.write(b)
    with open(os.path.join(root, "src/main/resources/huge.properties"), "w") as f:
        line = "generated.key = %s\n" % ("x" * 60)
        f.write(line * ((400 << 10) // len(line)))          # 400 KiB > 256k
    outside = root + "-outside.txt"
    with open(outside, "w") as f:
        f.write("secret outside the repository\n")
    os.symlink(outside, os.path.join(root, "src/main/resources/outside.txt"))


def index_with(workers, repo):
    with Stack(workers=workers, extra_conf=CONF, name="docxp-equiv%d" % workers) as s:
        try:
            j = s.start_job(repo, "full")
            final = s.wait_job(j, 300)
            owners = s.psql("SELECT count(DISTINCT lease_owner) FROM chunks")[0][0]
            taptest.note("%d worker(s): %s chunks, %s distinct lease owners recorded"
                         % (workers, final.get("chunks_total"), owners))
            leaked = s.psql("SELECT count(*) FROM entities WHERE content LIKE '%secret outside%'")
            return {"job": final, "files": s.psql(FILES_SQL), "entities": s.psql(ENTITIES_SQL),
                    "issues": s.psql(ISSUES_SQL), "leaked": int(leaked[0][0])}
        except BaseException:
            s.failed = True
            raise


def test_generate():
    base = tempfile.mkdtemp(prefix="docxp-equiv-repo-")
    os.chmod(base, 0o755)
    state["base"] = base
    state["repo"] = os.path.join(base, "repo")
    generate_repo(state["repo"])


def test_one_worker():
    state[1] = index_with(1, state["repo"])
    eq(state[1]["job"]["status"], "completed_with_errors" if state[1]["job"]["files_failed"]
       else "completed", "status")


def test_three_workers():
    state[3] = index_with(3, state["repo"])
    eq(state[3]["job"]["status"], state[1]["job"]["status"], "status")


def test_same_counts():
    for k in ("total_files", "files_processed", "files_skipped", "files_failed", "entities",
              "chunks_total", "chunks_done", "skip_reasons"):
        eq(state[3]["job"][k], state[1]["job"][k], k)
    j = state[1]["job"]
    eq(j["total_files"], j["files_processed"] + j["files_skipped"] + j["files_failed"],
       "total = processed + skipped + failed")
    eq(j["files_processed"], 300, "files_processed")


def test_skip_reasons():
    r = state[1]["job"]["skip_reasons"]
    eq(r.get("binary"), N_BINARY, "skip_reasons.binary (%r)" % r)
    eq(r.get("too_large"), 1, "skip_reasons.too_large (%r)" % r)
    eq(r.get("symlink_outside"), 1, "skip_reasons.symlink_outside (%r)" % r)
    eq(sum(r.values()), state[1]["job"]["files_skipped"], "skip reasons add up")


def test_issues_recorded():
    a, b = state[1]["issues"], state[3]["issues"]
    eq(a, b, "job_file_issues differ between 1 and 3 workers")
    by_path = {r[0]: (r[1], r[2]) for r in a}
    eq(by_path.get("src/main/resources/huge.properties"), ("skipped", "too_large"), "huge file")
    eq(by_path.get("src/main/resources/outside.txt"), ("skipped", "symlink_outside"), "symlink")
    for p in ("src/main/webapp/pages/logo.png", "src/main/resources/data.bin", "sql/dump.sql"):
        eq(by_path.get(p), ("skipped", "binary"), p)
    eq(state[1]["leaked"] + state[3]["leaked"], 0, "content from outside the repository indexed")


def _diff(a, b):
    sa, sb = set(a), set(b)
    return "only with 1 worker: %s\nonly with 3 workers: %s" % (
        sorted(sa - sb)[:5], sorted(sb - sa)[:5])


def test_files_identical():
    a, b = state[1]["files"], state[3]["files"]
    ok(len(a) >= 300, "files rows: %d" % len(a))
    ok(a == b, "files differ (%d vs %d rows)\n%s" % (len(a), len(b), _diff(a, b)))


def test_entities_identical():
    a, b = state[1]["entities"], state[3]["entities"]
    ok(len(a) > 300, "entities rows: %d" % len(a))
    eq(len(a), state[1]["job"]["entities"], "entity rows vs job entities")
    ok(a == b, "entities differ (%d vs %d rows)\n%s" % (len(a), len(b), _diff(a, b)))


def test_cleanup():
    shutil.rmtree(state["base"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(taptest.main())
