-- Counters of sign-in attempts and API requests, shared by every server process
-- behind this database. Keys are SHA-256 hashes of what is counted (an account, a
-- client network, a token); a row outlives its window by at most an hour.
CREATE TABLE rate_limits (
    bucket       text NOT NULL,
    key_hash     bytea NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (bucket, key_hash)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

-- Admits one hit on every named counter, or on none: returns 0 when admitted, else
-- the seconds until the fullest counter's window ends. The first statement locks
-- every counter (in key order, so concurrent calls cannot deadlock) and starts a
-- new window where the old one has ended; only then are the counts compared, so
-- parallel attempts cannot all pass before the first has been counted.
CREATE FUNCTION rate_limit_hit(p_buckets text[], p_keys bytea[], p_limits integer[], p_window interval)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    v_wait double precision;
BEGIN
    INSERT INTO rate_limits AS r (bucket, key_hash, window_start, hits)
    SELECT t.b, t.k, now(), 0 FROM unnest(p_buckets, p_keys) AS t(b, k) ORDER BY t.b, t.k
    ON CONFLICT (bucket, key_hash) DO UPDATE
        SET window_start = CASE WHEN r.window_start <= now() - p_window THEN now() ELSE r.window_start END,
            hits = CASE WHEN r.window_start <= now() - p_window THEN 0 ELSE r.hits END;
    SELECT max(extract(epoch FROM r.window_start + p_window - now()))
      INTO v_wait
      FROM rate_limits r
      JOIN unnest(p_buckets, p_keys, p_limits) AS t(b, k, l) ON r.bucket = t.b AND r.key_hash = t.k
     WHERE r.hits >= t.l;
    IF v_wait IS NOT NULL THEN
        RETURN greatest(v_wait, 0.001);
    END IF;
    UPDATE rate_limits r SET hits = r.hits + 1
      FROM unnest(p_buckets, p_keys) AS t(b, k)
     WHERE r.bucket = t.b AND r.key_hash = t.k;
    RETURN 0;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO tessera_app;
