-- 012_keys_notify: docxp-api learns at once that an API key changed, so
-- that it need not ask PostgreSQL on every request (issue 8).
--
-- Every request verified its key with a SELECT on api_keys. docxp-api now
-- keeps the rows of the keys it verified while a connection of its own
-- LISTENs on docxp_keys_changed, and drops them all on any notification
-- (src/store/keystore.c, keystore_verify_cached); the secret is still
-- checked on every request against the kept hash. These triggers send one
-- at the commit of every statement that creates, deletes or changes a key
-- (revoked, scope, name, hash), but not for docxp-api's own bookkeeping:
-- an UPDATE that only moves last_used_at (once a minute per key in use)
-- would otherwise flush the cache it is made for. Without the triggers
-- docxp-api caches nothing.
CREATE FUNCTION docxp_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('docxp_keys_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER docxp_keys_changed AFTER INSERT OR DELETE OR TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION docxp_keys_changed();
-- Row by row, for the WHEN clause (statement triggers have none); the
-- notifications of one transaction are folded into one by PostgreSQL.
CREATE TRIGGER docxp_keys_changed_update AFTER UPDATE ON api_keys
    FOR EACH ROW WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
    EXECUTE FUNCTION docxp_keys_changed();
