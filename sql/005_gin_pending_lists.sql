-- 005_gin_pending_lists: GIN pending lists sized for indexing, emptied
-- when a job ends.
--
-- 004 bounded the pending lists of the entities' GIN indexes to 512 kB so
-- that searches after a job do not scan hundreds of unmerged pages. That
-- made indexing pay for many small list cleanups: on openjdk's java.base
-- (3,102 files, 2 workers) 512 kB gave 104 files/s, 4 MB 135 and 16 MB 144
-- (fastupdate off: 54). Workers now empty the lists themselves when a job
-- ends (gin_clean_pending_list, after its ANALYZE), so searches after a job
-- find them empty whatever their size, and only searches during a job read
-- up to 4 MB of them.
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
        EXECUTE format('ALTER INDEX %s SET (gin_pending_list_limit = 4096)', idx);
    END LOOP;
END
$$;
