-- 003_index_throughput: workers compute the search document (issue 12).
--
-- Computing search_tsv in PostgreSQL (a generated column over
-- docxp_entity_tsv, regular expressions over every body) was most of the
-- cost of a chunk's transaction. The workers now compute the same tsvector
-- - same lexemes, positions and weights - before the transaction opens
-- (src/index/codewords.c) and insert it with the entity. The column stays,
-- with its name, values and indexes; docxp_entity_tsv stays the reference
-- (tests compare both) and the fallback: a row inserted without a value
-- (a worker that does not model the text, e.g. non-ASCII bodies, or any
-- other writer) gets it from the SQL function, and a row whose source
-- columns change without a new value gets it recomputed, as the generated
-- column did.

ALTER TABLE entities ALTER COLUMN search_tsv DROP EXPRESSION;

CREATE FUNCTION docxp_entity_tsv_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_tsv := docxp_entity_tsv(NEW.name, NEW.qualified_name, NEW.signature,
                                       NEW.metadata ->> 'javadoc', NEW.content);
    RETURN NEW;
END
$$;

CREATE TRIGGER entities_search_tsv_insert BEFORE INSERT ON entities
    FOR EACH ROW WHEN (NEW.search_tsv IS NULL) EXECUTE FUNCTION docxp_entity_tsv_fill();
CREATE TRIGGER entities_search_tsv_update
    BEFORE UPDATE OF name, qualified_name, signature, metadata, content ON entities
    FOR EACH ROW WHEN (NEW.search_tsv IS NOT DISTINCT FROM OLD.search_tsv)
    EXECUTE FUNCTION docxp_entity_tsv_fill();

-- Bodies and search documents are TOASTed: lz4 compresses them several
-- times faster than the default pglz (it was the first entry of the
-- PostgreSQL profile while indexing) for about the same size. Rows
-- written before keep their pglz values; both read the same.
ALTER TABLE entities ALTER COLUMN content SET COMPRESSION lz4;
ALTER TABLE entities ALTER COLUMN search_tsv SET COMPRESSION lz4;
