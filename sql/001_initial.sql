-- 001_initial: repositories, jobs, chunks, files, entities.
--
-- PostgreSQL is the source of truth for every job; Redis only delivers
-- work. Constraints make duplicates impossible: one file row per
-- (repository, path), one entity row per (file, ordinal), one chunk row per
-- (job, seq).

-- API keys: only a SHA-256 of each key is stored; key_id is the public
-- part of the key ("dxp_<key_id>_<secret>"), used to find the row.
CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    key_id       text NOT NULL UNIQUE,
    name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    key_sha256   bytea NOT NULL CHECK (length(key_sha256) = 32),
    scope        text NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE repositories (
    id              bigserial PRIMARY KEY,
    path            text NOT NULL UNIQUE CHECK (path LIKE '/%'),
    name            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_indexed_at timestamptz,
    last_commit     text,
    last_branch     text
);

CREATE TABLE jobs (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    repository_id         bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    job_type              text NOT NULL CHECK (job_type IN ('full', 'incremental')),
    status                text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'planning', 'running', 'paused', 'completed',
                                            'completed_with_errors', 'failed', 'cancelled')),
    file_patterns         jsonb NOT NULL DEFAULT '[]',
    exclude_patterns      jsonb NOT NULL DEFAULT '[]',
    chunk_size            integer NOT NULL CHECK (chunk_size > 0),
    max_concurrent_chunks integer NOT NULL CHECK (max_concurrent_chunks > 0),
    max_retries           integer NOT NULL CHECK (max_retries > 0),
    max_file_bytes        bigint NOT NULL CHECK (max_file_bytes > 0),
    -- progress counters, updated in the transaction of each chunk
    total_files           integer NOT NULL DEFAULT 0,
    files_processed       integer NOT NULL DEFAULT 0,
    files_skipped         integer NOT NULL DEFAULT 0,
    files_failed          integer NOT NULL DEFAULT 0,
    files_removed         integer NOT NULL DEFAULT 0, -- gone from the repository, removed from the index
    entities              bigint NOT NULL DEFAULT 0,
    bytes_processed       bigint NOT NULL DEFAULT 0,
    chunks_total          integer NOT NULL DEFAULT 0,
    chunks_done           integer NOT NULL DEFAULT 0,
    chunks_failed         integer NOT NULL DEFAULT 0,
    skip_reasons          jsonb NOT NULL DEFAULT '{}',
    -- embedding accounting
    embed_texts           bigint NOT NULL DEFAULT 0,
    embed_cache_hits      bigint NOT NULL DEFAULT 0,
    embed_failed          bigint NOT NULL DEFAULT 0,
    embed_truncated       bigint NOT NULL DEFAULT 0,
    embed_tokens          bigint NOT NULL DEFAULT 0, -- sent to the provider
    embed_tokens_saved    bigint NOT NULL DEFAULT 0, -- served by the cache
    price_per_1k_tokens   numeric NOT NULL DEFAULT 0,
    -- what the repository was at when planned
    commit_sha            text,
    branch                text,
    commit_time           timestamptz,
    error                 text,
    -- planning is leased like chunks so that a dead planner is replaced
    planner               text,
    planner_lease_until   timestamptz,
    api_key_id            bigint REFERENCES api_keys (id) ON DELETE SET NULL, -- who started it
    created_at            timestamptz NOT NULL DEFAULT now(),
    started_at            timestamptz,
    finished_at           timestamptz,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (files_processed + files_skipped + files_failed <= total_files OR status IN ('pending', 'planning'))
);
CREATE INDEX jobs_status_created_idx ON jobs (status, created_at DESC);
-- One active job per repository: two jobs writing the same index would
-- undo each other's work.
CREATE UNIQUE INDEX jobs_one_active_per_repository ON jobs (repository_id)
    WHERE status IN ('pending', 'planning', 'running', 'paused');
CREATE INDEX jobs_repository_created_idx ON jobs (repository_id, created_at DESC);
CREATE INDEX jobs_created_idx ON jobs (created_at DESC);

CREATE TABLE chunks (
    id              bigserial PRIMARY KEY,
    job_id          uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq             integer NOT NULL CHECK (seq >= 0),
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
    paths           text[] NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    lease_owner     text,
    lease_until     timestamptz,
    last_error      text,
    -- set per file on retry attempts only: a file that crashed a worker
    -- is recognised on the next attempt and failed alone
    current_path    text,
    enqueued_at     timestamptz NOT NULL DEFAULT now(),
    files_processed integer NOT NULL DEFAULT 0,
    files_skipped   integer NOT NULL DEFAULT 0,
    files_failed    integer NOT NULL DEFAULT 0,
    entities        integer NOT NULL DEFAULT 0,
    started_at      timestamptz,
    finished_at     timestamptz,
    UNIQUE (job_id, seq)
);
-- the reconcile step only looks at chunks that are not finished
CREATE INDEX chunks_open_idx ON chunks (job_id, seq) WHERE status IN ('queued', 'running');

CREATE TABLE files (
    id             bigserial PRIMARY KEY,
    repository_id  bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    path           text NOT NULL CHECK (path <> '' AND path NOT LIKE '/%'),
    language       text NOT NULL,
    size_bytes     bigint NOT NULL CHECK (size_bytes >= 0),
    line_count     integer NOT NULL CHECK (line_count >= 0),
    content_sha256 text NOT NULL CHECK (length(content_sha256) = 64),
    job_id         uuid REFERENCES jobs (id) ON DELETE SET NULL,
    commit_sha     text,
    indexed_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, path)
);

CREATE TABLE entities (
    id             bigserial PRIMARY KEY,
    file_id        bigint NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    repository_id  bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    ordinal        integer NOT NULL CHECK (ordinal >= 0),
    kind           text NOT NULL,
    name           text NOT NULL,
    qualified_name text NOT NULL,
    parent         text,
    signature      text,
    metadata       jsonb NOT NULL DEFAULT '{}',
    language       text NOT NULL,
    start_line     integer NOT NULL CHECK (start_line >= 1),
    end_line       integer NOT NULL,
    content        text NOT NULL,
    content_sha256 text NOT NULL,
    UNIQUE (file_id, ordinal),
    CHECK (end_line >= start_line)
);
CREATE INDEX entities_repository_idx ON entities (repository_id);
CREATE INDEX entities_file_idx ON entities (file_id);

-- Relations the source states (action -> class, class -> superclass, ...).
-- target is kept as written and resolved against entities when read, so
-- that links survive partial and incremental indexing.
CREATE TABLE entity_links (
    entity_id     bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    repository_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    ordinal       integer NOT NULL,
    kind          text NOT NULL,
    target        text NOT NULL,
    PRIMARY KEY (entity_id, ordinal)
);
CREATE INDEX entity_links_target_idx ON entity_links (repository_id, target);

-- Vectors of an entity's embedding texts (one per window of a long
-- entity), int8-quantised: value = vec[i] * scale. model names provider,
-- model and dimensions ("local/docxp-hash-v1/1024"): vectors of different
-- models are never compared.
CREATE TABLE entity_embeddings (
    entity_id     bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    repository_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    window_no     smallint NOT NULL CHECK (window_no >= 0),
    model         text NOT NULL,
    scale         real NOT NULL,
    vec           bytea NOT NULL,
    PRIMARY KEY (entity_id, window_no)
);
CREATE INDEX entity_embeddings_repository_idx ON entity_embeddings (repository_id, model);

-- Per-file outcomes that are not plain success: skipped files with their
-- reason and failed files with the error, one row per job and path.
CREATE TABLE job_file_issues (
    id         bigserial PRIMARY KEY,
    job_id     uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    path       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('skipped', 'failed')),
    reason     text NOT NULL,
    message    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, path)
);

-- Adds two {"reason": count} objects key by key.
CREATE FUNCTION docxp_add_counts(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
    FROM (SELECT k, sum(n) AS n
          FROM (SELECT key AS k, value::text::bigint AS n FROM jsonb_each(coalesce(a, '{}'))
                UNION ALL
                SELECT key, value::text::bigint FROM jsonb_each(coalesce(b, '{}'))) s
          GROUP BY k) t
$$;

-- Files per second over the last 30 seconds of a running job.
CREATE FUNCTION docxp_job_rate(p_job uuid, p_started timestamptz) RETURNS double precision
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN w > 0 THEN n / w ELSE 0 END
    FROM (SELECT coalesce(sum(files_processed + files_skipped + files_failed), 0)::float8 AS n,
                 least(30.0, extract(epoch FROM now() - p_started))::float8 AS w
          FROM chunks WHERE job_id = p_job AND finished_at > now() - interval '30 seconds') s
$$;

-- A job's progress: the counters, percent, throughput and ETA. Shared by
-- the status document and the progress events, so they always agree.
CREATE FUNCTION docxp_job_progress(j jobs) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'job_id', j.id, 'status', j.status,
        'total_files', j.total_files, 'files_processed', j.files_processed,
        'files_skipped', j.files_skipped, 'files_failed', j.files_failed,
        'files_removed', j.files_removed, 'entities', j.entities,
        'bytes_processed', j.bytes_processed, 'chunks_total', j.chunks_total,
        'chunks_done', j.chunks_done, 'chunks_failed', j.chunks_failed,
        'progress_percent', CASE WHEN j.total_files > 0
            THEN round(100.0 * (j.files_processed + j.files_skipped + j.files_failed) / j.total_files, 1)
            WHEN j.status IN ('completed', 'completed_with_errors') THEN 100 ELSE 0 END,
        'files_per_second', round(x.rate::numeric, 1),
        'eta_seconds', CASE WHEN j.status = 'running' AND x.rate > 0
            THEN ceil((j.total_files - j.files_processed - j.files_skipped - j.files_failed) / x.rate) END,
        'elapsed_seconds', round(extract(epoch FROM coalesce(j.finished_at, now())
                                          - coalesce(j.started_at, j.created_at))::numeric, 3),
        'updated_at', j.updated_at,
        'embedding', jsonb_build_object(
            'texts', j.embed_texts, 'cache_hits', j.embed_cache_hits,
            'cache_misses', j.embed_texts - j.embed_cache_hits,
            'cache_hit_rate', CASE WHEN j.embed_texts > 0
                THEN round(j.embed_cache_hits::numeric / j.embed_texts, 4) ELSE 0 END,
            'failed', j.embed_failed, 'truncated', j.embed_truncated,
            'tokens', j.embed_tokens, 'tokens_saved', j.embed_tokens_saved,
            'cost_usd', round(j.embed_tokens * j.price_per_1k_tokens / 1000, 6),
            'cost_saved_usd', round(j.embed_tokens_saved * j.price_per_1k_tokens / 1000, 6)))
    FROM (SELECT CASE
            WHEN j.status = 'running' THEN docxp_job_rate(j.id, j.started_at)
            WHEN j.finished_at > j.started_at THEN (j.files_processed + j.files_skipped + j.files_failed)
                 / extract(epoch FROM j.finished_at - j.started_at)::float8
            ELSE 0 END AS rate) x
$$;
