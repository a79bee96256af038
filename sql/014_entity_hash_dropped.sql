-- 014_entity_hash_dropped: entities no longer carry a SHA-256 of their
-- text (issue 12).
--
-- Nothing read entities.content_sha256: incremental indexing compares the
-- files' hashes (files.content_sha256, kept), and the embedding cache keys
-- on its own digest of each embedding text. Workers hashed every entity's
-- text for it, 3 % of their time on openjdk, and stored 65 bytes more per
-- row. Dropping a column only changes the catalog: existing rows are not
-- rewritten.

ALTER TABLE entities DROP COLUMN IF EXISTS content_sha256;
