-- 007_file_stats: what the planner saw of each file, so that an
-- incremental job leaves unchanged files out of its chunks (issue 12).
--
-- An incremental job used to put every file of the repository into chunks
-- and have the workers read and hash each one to find that it had not
-- changed: on openjdk's java.base (3,102 files, 2 workers) an unchanged
-- re-index took 1.4 s of a 17.5 s full index, 125 chunks of nothing.
--
-- Every plan now records, for each file it gives to the workers, the stat
-- of its walk (size, mtime, ctime, inode) and when that walk began
-- (stat_ns, the planner host's clock). A file whose content is read after
-- that moment confirms the row with the hash of what was read (the worker
-- after its chunk commit, content_sha256). The next incremental plan takes
-- a file as unchanged, without reading it, when
--   - the index holds it (files) with the confirmed hash,
--   - size, mtime, ctime and inode are still those of the row,
--   - and the file was last written (mtime, ctime) more than 1 s before
--     stat_ns (3 s when both times are whole seconds: a file system that
--     keeps seconds, FAT two): git's "racily clean" rule; a write in the
--     same clock tick as the walk (or later, stamped by a file server's
--     clock that is behind) could leave equal times behind, so such a file
--     is read again instead (src/index/discover.h).
-- Every other file is chunk work as before (the worker still compares
-- content hashes, so a file that was only touched is not re-extracted).
-- A row is confirmed by a hash, not trusted by job: a row of a job whose
-- chunk never committed stays unconfirmed and costs one read next time.
--
-- Known limit: every write sets ctime to the current time and no call sets
-- it back (touch -d, utimes and tar restore mtime only, and change ctime),
-- so a content change goes unnoticed only when the size, both times and
-- the inode all stay equal: after the system clock was set back past the
-- file's earlier ctime, on a file system that does not keep ctime, or
-- with a file server whose clock is behind the planner's by more than the
-- margin. Run a full job after such events (it reads every file).
-- tests/integration/test_incremental.py forges such a stat to show it.
CREATE TABLE file_stats (
    repository_id  bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    path           text NOT NULL,
    size_bytes     bigint NOT NULL,
    mtime_ns       bigint NOT NULL,
    ctime_ns       bigint NOT NULL,
    inode          bigint NOT NULL,
    stat_ns        bigint NOT NULL,
    job_id         uuid NOT NULL,
    content_sha256 text CHECK (length(content_sha256) = 64),
    PRIMARY KEY (repository_id, path)
);
