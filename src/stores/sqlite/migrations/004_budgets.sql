-- Run budgets (tokens, money, wall time, steps) and the usage each workflow step reports.
ALTER TABLE tw_jobs ADD COLUMN budget TEXT;
ALTER TABLE tw_steps ADD COLUMN usage TEXT;
