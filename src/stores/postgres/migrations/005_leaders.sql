-- Leader leases: one row per role (the stager with maintenance, the schedule runner). A process
-- leads a role while its row names it as holder and has not expired. Acquiring and renewing is one
-- INSERT ... ON CONFLICT DO UPDATE that only takes a row held by the caller or expired (see
-- leaders.ts). Times are the database's clock in epoch ms, so hosts with skewed clocks agree on
-- when a lease runs out. Older Taskwright versions ignore this table (they stage in every claim).
CREATE TABLE leaders (
  role text PRIMARY KEY,
  holder text NOT NULL,
  expires_at bigint NOT NULL,
  -- when this holder took the role (kept across renewals): shows failovers
  acquired_at bigint NOT NULL
);
