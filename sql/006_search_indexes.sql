-- 006_search_indexes: the GIN indexes of the PostgreSQL keyword leg exist
-- only where that leg is configured (issue 12).
--
-- Keyword search is served from docxp-api's memory by default ([search]
-- keyword_index = memory, src/search/kwindex.c, built from search_tsv with
-- a plain scan). The four GIN indexes of 002 serve only keyword_index =
-- postgresql, yet every indexed entity paid for them: on openjdk's
-- java.base (3,102 files, 76,863 entities, 2 workers) they were 9.6 s of
-- the 16.7 s PostgreSQL spent in COPY entities, and the full index went
-- from 170 to 261 files/s without them (bench/index).
--
-- They are dropped here; `docxp migrate` creates them again when the
-- configuration says keyword_index = postgresql and drops them when it
-- does not (src/store/migrate.c, migrate_search_indexes: the same
-- definitions as 002, with the 4 MB pending lists of 005). A repository
-- whose in-memory keyword index does not fit the memory budget is still
-- searched in PostgreSQL, without these indexes: correct, but slower.
DROP INDEX IF EXISTS entities_search_tsv_idx;
DROP INDEX IF EXISTS entities_name_words_idx;
DROP INDEX IF EXISTS entities_name_trgm_idx;
DROP INDEX IF EXISTS entities_qualified_name_trgm_idx;

-- Also redundant for every entity row written:
-- * the repository foreign keys of entities, entity_links and
--   entity_embeddings: each row already belongs to its repository through
--   its file (entities.file_id) or its entity (entity_id), whose cascades
--   delete it with the repository; the checks were 192,000 lookups of the
--   repositories row per java.base index.
-- * entities_file_idx, which entities_file_id_ordinal_key (file_id first)
--   serves as well, and entities_repository_idx, which
--   entities_repository_name_idx (repository_id first) serves as well.
ALTER TABLE entities DROP CONSTRAINT IF EXISTS entities_repository_id_fkey;
ALTER TABLE entity_links DROP CONSTRAINT IF EXISTS entity_links_repository_id_fkey;
ALTER TABLE entity_embeddings DROP CONSTRAINT IF EXISTS entity_embeddings_repository_id_fkey;
DROP INDEX IF EXISTS entities_file_idx;
DROP INDEX IF EXISTS entities_repository_idx;
