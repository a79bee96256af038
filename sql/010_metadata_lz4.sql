-- 010_metadata_lz4: entity metadata compressed with lz4 like the bodies
-- and search documents (003), instead of the default pglz, which was still
-- 2 % of PostgreSQL's time while indexing (perf): Javadoc-rich metadata
-- makes rows long enough to be compressed. Rows written before keep
-- their pglz values; both read the same.
ALTER TABLE entities ALTER COLUMN metadata SET COMPRESSION lz4;
