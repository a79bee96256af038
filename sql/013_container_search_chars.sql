-- 013_container_search_chars: the keyword document of an entity that has
-- members (a class, an interface) covers its first characters only
-- (issue 12).
--
-- A class's search document held its whole body: every word of its
-- methods again, which have their own documents. Workers now cut it at
-- [indexing] container_search_chars (declaration, Javadoc, fields) and
-- record the cut in the entity's metadata as "search_chars"; the fallback
-- (rows the workers leave to PostgreSQL, and rows whose source columns
-- change) reads the same mark so that both compute the same document.
-- Rows written before have no mark and keep their whole-body documents.

CREATE OR REPLACE FUNCTION docxp_entity_tsv_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_tsv := docxp_entity_tsv(NEW.name, NEW.qualified_name, NEW.signature,
                                       NEW.metadata ->> 'javadoc',
                                       left(NEW.content, coalesce((NEW.metadata ->> 'search_chars')::int,
                                                                  100000)));
    RETURN NEW;
END
$$;
