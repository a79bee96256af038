-- 008_progress_cost: progress documents that cost the same at the last
-- chunk of a job as at the first (issue 12).
--
-- Every chunk commit, status request and progress event evaluates
-- docxp_job_progress, whose files/s reads the chunks a job finished in
-- the last 30 s (docxp_job_rate). Without an index that was a scan of all
-- the job's chunks, and as SQL functions that are not inlined both were
-- planned again on every call: on openjdk (15,143 files, 606 chunks) 4 s
-- of PostgreSQL's 25 s went to progress (bench/index --pg-statements).
-- An index on (job_id, finished_at) bounds the scan to the recent chunks,
-- and PL/pgSQL keeps the functions' plans for the session. Same results.
CREATE INDEX chunks_job_finished_idx ON chunks (job_id, finished_at);

CREATE OR REPLACE FUNCTION docxp_job_rate(p_job uuid, p_started timestamptz) RETURNS double precision
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT CASE WHEN w > 0 THEN n / w ELSE 0 END
            FROM (SELECT coalesce(sum(files_processed + files_skipped + files_failed), 0)::float8 AS n,
                         least(30.0, extract(epoch FROM now() - p_started))::float8 AS w
                  FROM chunks WHERE job_id = p_job AND finished_at > now() - interval '30 seconds') s);
END
$$;

CREATE OR REPLACE FUNCTION docxp_job_progress(j jobs) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
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
                ELSE 0 END AS rate) x);
END
$$;
