"""
genrepo - deterministic generated repositories and index snapshots for the
fault-tolerance tests (tests/integration/test_faults.py, test_job_control.py,
test_incremental.py, test_shutdown.py).

    files = generate(root, 2000, seed=4)      # small Java-like files
    snap = snapshot(stack)                     # files, entities, entity_links rows
    ok(snap == other, diff(snap, other))
"""

import os
import random

FILES_SQL = ("SELECT path, content_sha256, size_bytes, language, line_count "
             "FROM files ORDER BY path")
ENTITIES_SQL = ("SELECT f.path, e.ordinal, e.kind, e.name, e.qualified_name, e.start_line, "
                "e.end_line, md5(e.content), e.parent, e.signature, e.metadata::text "
                "FROM entities e JOIN files f ON f.id = e.file_id ORDER BY 1, 2")
LINKS_SQL = ("SELECT f.path, e.ordinal, l.ordinal, l.kind, l.target FROM entity_links l "
             "JOIN entities e ON e.id = l.entity_id JOIN files f ON f.id = e.file_id "
             "ORDER BY 1, 2, 3")
TABLES = (("files", FILES_SQL), ("entities", ENTITIES_SQL), ("entity_links", LINKS_SQL))

JAVA = """package com.acme.%(pkg)s;

import java.util.List;
import java.util.ArrayList;

/** %(cls)s: generated (seed %(seed)d, version %(version)d). */
public class %(cls)s extends %(base)s implements Runnable {
    private final List<String> items = new ArrayList<>();
    private int counter;

%(methods)s    @Override
    public void run() {
        counter++;
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


def java_source(rel, seed, version=0):
    """The content of the generated file rel: a function of (rel, seed,
    version) only, so that two runs produce the same bytes."""
    rnd = random.Random("%s:%d:%d" % (rel, seed, version))
    cls = os.path.splitext(os.path.basename(rel))[0]
    pkg = os.path.basename(os.path.dirname(rel))
    methods = "".join(METHOD % {"name": "m%s_%d" % (cls.lower(), k), "k": rnd.randint(1, 999)}
                      for k in range(rnd.randint(1, 4)))
    return JAVA % {"pkg": pkg, "cls": cls, "seed": seed, "version": version,
                   "base": "Base%d" % rnd.randint(0, 9), "methods": methods}


def rel_path(i, ndirs=40):
    return "src/main/java/com/acme/p%02d/C%05d.java" % (i % ndirs, i)


def write(root, rel, text):
    full = os.path.join(root, rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def generate(root, n, seed=1, ndirs=40):
    """Writes n Java-like files under root (made traversable by the
    unprivileged nginx/postgres users); returns their relative paths."""
    os.makedirs(root, exist_ok=True)
    paths = [rel_path(i, ndirs) for i in range(n)]
    for rel in paths:
        write(root, rel, java_source(rel, seed))
    for d, _, _ in os.walk(root):
        os.chmod(d, 0o755)
    return paths


def snapshot(stack, repo=None):
    """The index as rows: {"files": [...], "entities": [...], "entity_links": [...]};
    repo: only that repository's rows (its path as given to the job)."""
    out = {}
    for name, sql in TABLES:
        if repo is not None:
            cond = ("f.repository_id = (SELECT id FROM repositories WHERE path = '%s')"
                    % repo.replace("'", "''"))
            if name == "files":
                sql = sql.replace("FROM files ORDER BY", "FROM files f WHERE %s ORDER BY" % cond)
            else:
                sql = sql.replace(" ORDER BY", " WHERE %s ORDER BY" % cond, 1)
        out[name] = stack.psql(sql)
    return out


def diff(a, b, labels=("a", "b")):
    """Says which tables differ and shows a few differing rows."""
    out = []
    for name, _ in TABLES:
        x, y = a.get(name, []), b.get(name, [])
        if x == y:
            continue
        sx, sy = set(x), set(y)
        out.append("%s differ: %d vs %d rows; only in %s: %s; only in %s: %s" % (
            name, len(x), len(y), labels[0], sorted(sx - sy)[:3], labels[1], sorted(sy - sx)[:3]))
    return "\n".join(out) or "identical"


def counts(snap):
    return ", ".join("%s %d" % (name, len(snap.get(name, []))) for name, _ in TABLES)
