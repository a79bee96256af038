-- 015_link_target_indexes: the name indexes hold the entities links can
-- name, not every member (issue 12).
--
-- entities_repository_qualified_name_idx and entities_repository_name_idx
-- took a random insertion for every entity written: with the two, a full
-- index of openjdk (315,000 entities, 2 workers) spent 2 to 3 s more in
-- PostgreSQL than without (of 12), the largest cost of COPY entities after
-- the rows themselves. They serve link resolution (a search hit's links,
-- src/store/searchstore.c) and the exact-name branch of the PostgreSQL
-- keyword leg.
--
-- Links name declarations: classes and interfaces (extends, action and
-- form classes), pages, actions, forwards, beans, tables. Methods,
-- constructors, fields and enum constants - 93 % of openjdk's entities -
-- are named by links only from their own file (an embedded statement's
-- "sql_in" names its method), which the file's index resolves. So the
-- link indexes are partial; a link resolves to a member of another file
-- no more.
--
-- The exact-name branch of keyword_index = postgresql gets its own full
-- index, created and dropped with that leg's GIN indexes by `docxp
-- migrate` (src/store/migrate.c), under the old name. Queries by
-- repository alone keep an index of their own.
DROP INDEX IF EXISTS entities_repository_qualified_name_idx;
DROP INDEX IF EXISTS entities_repository_name_idx;
CREATE INDEX entities_repository_idx ON entities (repository_id);
CREATE INDEX entities_link_qualified_name_idx ON entities (repository_id, qualified_name)
    WHERE kind NOT IN ('method', 'constructor', 'field', 'enum_constant');
CREATE INDEX entities_link_name_idx ON entities (repository_id, name)
    WHERE kind NOT IN ('method', 'constructor', 'field', 'enum_constant');
