-- 009_cascade_triggers: the cascades of entities without per-row checks
-- on insert (issue 12).
--
-- Each vector, link and entity row inserted ran its foreign key check (a
-- lookup of the entity or file through SPI, queued as an after-row
-- trigger): 18 % of a PostgreSQL backend's time in a chunk's COPY. Those
-- keys were there for their ON DELETE CASCADE. The cascades are now
-- statement-level triggers over the deleted rows (one DELETE per
-- statement, not per row), and the rows a chunk inserts are correct by
-- construction: the chunk's transaction takes the entity ids from the
-- sequence and the file ids from its own upsert, and only the repository's
-- single active job writes its files (the API refuses a second one; a
-- chunk whose lease or job was lost rolls back).
ALTER TABLE entity_embeddings DROP CONSTRAINT IF EXISTS entity_embeddings_entity_id_fkey;
ALTER TABLE entity_links DROP CONSTRAINT IF EXISTS entity_links_entity_id_fkey;
ALTER TABLE entities DROP CONSTRAINT IF EXISTS entities_file_id_fkey;

CREATE FUNCTION docxp_entities_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM entity_embeddings WHERE entity_id IN (SELECT id FROM gone);
    DELETE FROM entity_links WHERE entity_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;

CREATE TRIGGER entities_cascade AFTER DELETE ON entities
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION docxp_entities_deleted();

CREATE FUNCTION docxp_files_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM entities WHERE file_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;

CREATE TRIGGER files_cascade AFTER DELETE ON files
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION docxp_files_deleted();
