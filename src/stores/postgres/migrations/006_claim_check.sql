-- The plain claim's flow check no longer looks at due scheduled jobs: the elected stager
-- (migration 005, stage.ts) makes every due job queued, grouped and keyed ones included, and the
-- flow gate does not stage. Gating every claim while such a job waited for the stager only sent
-- claims down the slower path, and its probe walked every due scheduled job on each claim.
-- Same signature and meaning otherwise (see 003_flow.sql).
CREATE OR REPLACE FUNCTION flow_claim_check(p_queues text[], p_tags text[], p_now bigint, OUT gated boolean, OUT paused text[])
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
BEGIN
  gated := EXISTS (SELECT 1 FROM flow_limits WHERE key = ANY (SELECT 'queue:' || q FROM unnest(p_queues) AS q))
    OR EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND (concurrency_key IS NOT NULL OR rate_key IS NOT NULL OR breaker_key IS NOT NULL)
      AND required_tags IS NULL AND queue = ANY (p_queues))
    OR (cardinality(p_tags) > 0 AND EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND required_tags IS NOT NULL AND queue = ANY (p_queues)));
  paused := ARRAY(SELECT queue FROM flow_queues WHERE flow_queues.paused AND queue = ANY (p_queues));
END
$$;
