-- 002_search: the keyword leg of search (issue 8).
--
-- A code-aware tsvector per entity: identifiers are kept whole (lower-cased,
-- '_' and '$' dropped, so findByEmail, find_by_email and FINDBYEMAIL are one
-- word) and also split into their parts (camelCase, snake_case, dotted and
-- slashed names). Names weigh most (A), then the qualified name and the
-- signature (B), the Javadoc (C) and the body (D). Entity names are also
-- trigram-indexed for substring and typo-tolerant matches.
--
-- Ranking every match of a very common word is what costs (see the PG
-- numbers in ENVIRONMENT.md): queries take a capped set of candidates from
-- these indexes and rank only those (src/store/searchstore.c).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The words of code text, as plain space-separated words: first every
-- identifier whole, then every identifier split into its parts. Anything
-- that is not a letter or digit becomes a space, so that the text search
-- parser sees plain words only (no "host", "file" or "url" tokens).
CREATE FUNCTION docxp_code_words(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(regexp_replace(regexp_replace(t, '[_$]+', '', 'g'), '[^[:alnum:]]+', ' ', 'g'))
        || ' ' ||
        lower(regexp_replace(regexp_replace(regexp_replace(t,
            '([[:lower:][:digit:]])([[:upper:]])', '\1 \2', 'g'),
            '([[:upper:]])([[:upper:]][[:lower:]])', '\1 \2', 'g'),
            '[^[:alnum:]]+', ' ', 'g'))
$$;

-- The weighted document of one entity. Bodies are cut at 100,000
-- characters: a tsvector holds at most 1 MB and positions past 16,383 are
-- not told apart anyway.
CREATE FUNCTION docxp_entity_tsv(name text, qualified_name text, signature text, javadoc text, content text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple', docxp_code_words(coalesce(name, ''))), 'A')
        || setweight(to_tsvector('simple', docxp_code_words(coalesce(qualified_name, '') || ' '
                                                           || coalesce(signature, ''))), 'B')
        || setweight(to_tsvector('simple', docxp_code_words(coalesce(javadoc, ''))), 'C')
        || setweight(to_tsvector('simple', docxp_code_words(left(coalesce(content, ''), 100000))), 'D')
$$;

ALTER TABLE entities ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (docxp_entity_tsv(name, qualified_name, signature, metadata ->> 'javadoc', content)) STORED;

-- Full text over everything, and over names alone (the candidates of a
-- query whose words are common in bodies come from names first).
CREATE INDEX entities_search_tsv_idx ON entities USING gin (search_tsv);
CREATE INDEX entities_name_words_idx ON entities USING gin (to_tsvector('simple', docxp_code_words(name)));
-- Substring, equality and similarity of names.
CREATE INDEX entities_name_trgm_idx ON entities USING gin (lower(name) gin_trgm_ops);
CREATE INDEX entities_qualified_name_trgm_idx ON entities USING gin (lower(qualified_name) gin_trgm_ops);
-- Links are resolved at read time by a target's qualified name or name.
CREATE INDEX entities_repository_qualified_name_idx ON entities (repository_id, qualified_name);
CREATE INDEX entities_repository_name_idx ON entities (repository_id, name);
