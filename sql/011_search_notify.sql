-- 011_search_notify: docxp-api learns at once that a repository or a job
-- changed, so that it need not ask PostgreSQL on every search (issue 8).
--
-- Each search asked PostgreSQL for its repositories and their index
-- signature (last_indexed_at and the latest job update): 0.25 ms of every
-- query. docxp-api now keeps the answers while a connection of its own
-- LISTENs on docxp_search_changed, and drops them all on any notification
-- (src/store/searchstore.c, searchstore_repositories_cached). These
-- triggers send one at the commit of every statement that writes
-- repositories or jobs (a repository created, renamed or deleted; a job
-- created or advanced by a chunk). Without them docxp-api caches nothing.
CREATE FUNCTION docxp_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('docxp_search_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER docxp_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON repositories
    FOR EACH STATEMENT EXECUTE FUNCTION docxp_search_changed();
CREATE TRIGGER docxp_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION docxp_search_changed();
