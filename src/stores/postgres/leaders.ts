import { ValidationError, describeValue } from '../../core/errors.js';
import type { LeaderLease, LeaderRecord } from '../../store/types.js';
import type { Queryable } from './connection.js';
import type { SchemaNames } from './sql.js';

/** The database's clock in epoch ms: every host judges leases on the same clock. */
const DB_NOW = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

interface LeaseRow {
  leader: boolean;
  holder: string;
  expires_at: number;
}

interface LeaderRow {
  role: string;
  holder: string;
  expires_at: number;
  acquired_at: number;
  live: boolean;
  remaining_ms: number;
}

/**
 * Leader leases in the `leaders` table (migrations/005_leaders.sql). Acquire and renew are the same
 * single statement: the upsert only overwrites a row that the caller holds or that has expired, so
 * two processes racing for a free or expired role cannot both win (the second waits on the first's
 * row lock, then finds it held and live). The statement also reports who holds the role otherwise.
 */
export function createLeaders(t: SchemaNames) {
  const acquire = {
    name: `${t.prefix}acquire_leader`,
    text: `WITH now AS (SELECT ${DB_NOW} AS ms), taken AS (
        INSERT INTO ${t.leaders} AS l (role, holder, expires_at, acquired_at) SELECT $1, $2, ms + $3, ms FROM now
        ON CONFLICT (role) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
          acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE EXCLUDED.acquired_at END
        WHERE l.holder = EXCLUDED.holder OR l.expires_at <= EXCLUDED.acquired_at
        RETURNING holder, expires_at
      )
      SELECT true AS leader, holder, expires_at FROM taken
      UNION ALL SELECT false, holder, expires_at FROM ${t.leaders} WHERE role = $1 AND NOT EXISTS (SELECT 1 FROM taken)`,
  };
  // the NOTIFY tells followers to try at once instead of at their next renewal
  const release = {
    name: `${t.prefix}release_leader`,
    text: `WITH gone AS (DELETE FROM ${t.leaders} WHERE role = $1 AND holder = $2 RETURNING role)
      SELECT pg_notify('${t.dueChannel}', 'released:' || role) FROM gone`,
  };
  const list = {
    name: `${t.prefix}list_leaders`,
    text: `SELECT role, holder, expires_at, acquired_at, expires_at > ${DB_NOW} AS live,
        greatest(0, expires_at - ${DB_NOW}) AS remaining_ms FROM ${t.leaders} ORDER BY role`,
  };

  return {
    async acquire(db: Queryable, role: string, holder: string, ttlMs: number): Promise<LeaderLease> {
      const row = (await db.query<LeaseRow>({ ...acquire, values: [role, holder, ttlMs] })).rows[0];
      if (!row) return { role, leader: false, holder: null, expiresAt: null };
      return { role, leader: row.leader, holder: row.holder, expiresAt: row.expires_at };
    },
    async release(db: Queryable, role: string, holder: string): Promise<void> {
      await db.query({ ...release, values: [role, holder] });
    },
    async list(db: Queryable): Promise<LeaderRecord[]> {
      return (await db.query<LeaderRow>(list)).rows.map((r) => ({
        role: r.role,
        holder: r.holder,
        expiresAt: r.expires_at,
        acquiredAt: r.acquired_at,
        live: r.live,
        remainingMs: r.remaining_ms,
      }));
    },
  };
}

/** Rejects a bad role, holder or lease length before any statement runs. */
export function checkLease(role: string, holder: string, ttlMs: number): void {
  if (typeof role !== 'string' || !/^[\w.:-]{1,100}$/.test(role)) throw new ValidationError(`expected a leader role of 1 to 100 letters, digits or _ . : -, got ${describeValue(role)}`);
  if (typeof holder !== 'string' || holder.length < 1 || holder.length > 200) throw new ValidationError(`expected a leader holder id of 1 to 200 characters, got ${describeValue(holder)}`);
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new ValidationError(`expected a leader lease ttl to be a positive integer of ms, got ${describeValue(ttlMs)}`);
}
