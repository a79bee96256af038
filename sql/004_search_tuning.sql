-- 004_search_tuning: what the search queries need beyond 002 (issue 8).
--
-- 1. Small GIN pending lists for the search indexes.
--
-- With fastupdate (the default) a GIN index collects new entries in a
-- pending list, merged into the index proper by (auto)vacuum or when the
-- list outgrows gin_pending_list_limit (4 MB by default). Every search
-- through the index reads the whole pending list: after a job of 100,000
-- entities, before autovacuum came by, the lists held 270-490 pages and a
-- lookup of a rare identifier took 1.3 ms instead of 0.05 ms (the name
-- trigram index, read by typo searches, more). A 512 kB list bounds that
-- cost at 64 pages while inserts still merge in batches.
--
-- Every GIN index of entities, whatever their names: all of them serve
-- search.
DO $$
DECLARE
    idx regclass;
BEGIN
    FOR idx IN
        SELECT c.oid::regclass FROM pg_index x
        JOIN pg_class c ON c.oid = x.indexrelid
        JOIN pg_am am ON am.oid = c.relam
        WHERE x.indrelid = 'entities'::regclass AND am.amname = 'gin'
    LOOP
        EXECUTE format('ALTER INDEX %s SET (gin_pending_list_limit = 512)', idx);
    END LOOP;
END
$$;

-- 2. Path prefix filters (path_prefix, "docxp search --path"): LIKE 'p%'
-- can use a btree only with the pattern operators under a non-C
-- collation. Measured on 4,075 files: 0.04 ms instead of a 1 ms scan.
CREATE INDEX files_repository_path_pattern_idx ON files (repository_id, path text_pattern_ops);
