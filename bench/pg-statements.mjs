#!/usr/bin/env node
// What the two hot statements of the PostgreSQL store cost the database per job, from
// EXPLAIN (ANALYZE, BUFFERS, WAL) of their generic plans in a session set up like the hot-path
// pool's: buffer reads and WAL records and bytes are exact counts (unlike drain throughput on a
// shared machine), so a change to the claim or the settle can be judged by them.
//   npm run build && node bench/pg-statements.mjs --batch 250 [--discard] [--rounds 3] [--backlog 20000]
// Env: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres). Uses (and drops) the schema tw_pg_statements.
import { parseArgs } from 'node:util';
import pg from 'pg';

const dist = new URL('../dist/', import.meta.url);
const { Taskwright } = await import(new URL('index.js', dist));
const { postgresStore } = await import(new URL('stores/postgres/index.js', dist));
const { claimCtes, claimSelect, claimParams } = await import(new URL('stores/postgres/claim.js', dist));
const { createSettle, settleParams } = await import(new URL('stores/postgres/settle.js', dist));
const { schemaNames } = await import(new URL('stores/postgres/sql.js', dist));
const { HOT_PATH_SESSION } = await import(new URL('stores/postgres/connection.js', dist));

const { values: args } = parseArgs({
  options: { batch: { type: 'string', default: '250' }, discard: { type: 'boolean', default: false }, rounds: { type: 'string', default: '3' }, backlog: { type: 'string', default: '20000' } },
});
const batch = Number(args.batch);
const rounds = Number(args.rounds);
const backlog = Number(args.backlog);
for (const [name, value] of [['batch', batch], ['rounds', rounds], ['backlog', backlog]]) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`expected --${name} to be a positive integer, got ${args[name]}`);
}
if (backlog < batch * rounds) throw new Error(`expected --backlog of at least batch x rounds (${batch * rounds}), got ${backlog}`);

const url = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = 'tw_pg_statements';
const names = schemaNames(schema);
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
const engine = new Taskwright({ store: postgresStore({ connectionString: url, schema }) });
await engine.migrate();
for (let done = 0; done < backlog; done += 1000) {
  await engine.enqueueMany(Array.from({ length: Math.min(1000, backlog - done) }, (_, i) => ({ name: 'noop', payload: { n: done + i } })));
}
await engine.close();
await client.query(`ANALYZE`);
await client.query('CHECKPOINT');
for (const [name, value] of Object.entries({ plan_cache_mode: 'force_generic_plan', ...HOT_PATH_SESSION })) await client.query(`SET ${name} = ${value}`);

/** A parameter as an SQL literal, for EXECUTE (EXPLAIN cannot take bound parameters and keep the generic plan). */
const literal = (value) => {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return `'{${value.map((e) => (e === null || e === undefined ? 'NULL' : JSON.stringify(String(e)))).join(',')}}'`;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return String(value);
};
const CLAIM_TYPES = 'bigint, text[], int, text, bigint, text[]';
const SETTLE_TYPES = 'bigint, bigint[], text[], int[], text[], text[], bigint[], text[], text[], boolean[]';
await client.query(`PREPARE claim_statement(${CLAIM_TYPES}) AS WITH ${claimCtes(names)} ${claimSelect()}`);
await client.query(`PREPARE settle_statement(${SETTLE_TYPES}) AS ${createSettle(names).quiet.text}`);

/** Runs a prepared statement under EXPLAIN ANALYZE and reads its totals from the JSON plan. */
async function measure(statement, params) {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) EXECUTE ${statement}(${params.map(literal).join(', ')})`);
  const [{ Plan: plan, 'Execution Time': ms }] = rows[0]['QUERY PLAN'];
  return { ms, buffers: plan['Shared Hit Blocks'] + plan['Shared Read Blocks'], walRecords: plan['WAL Records'], walBytes: plan['WAL Bytes'], rows: plan['Actual Rows'] };
}

const results = { claim: [], settle: [] };
for (let round = 0; round < rounds; round++) {
  const now = Date.now();
  results.claim.push(await measure('claim_statement', claimParams({ now, queues: ['default'], limit: batch, workerId: 'w1', leaseMs: 30_000, workerTags: [] })));
  const { rows: running } = await client.query(`SELECT id, attempt FROM ${names.jobs} WHERE state = 'running' AND worker_id = 'w1'`);
  const outcome = { type: 'completed', resultJson: 'null', ...(args.discard && { discard: true }) };
  const settlements = running.map((r) => ({ id: String(r.id), workerId: 'w1', attempt: r.attempt, outcome }));
  results.settle.push(await measure('settle_statement', settleParams(settlements, Date.now())));
}
await client.query(`DROP SCHEMA ${schema} CASCADE`);
await client.end();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`batch ${batch}, ${args.discard ? 'completions deleted (retention 0)' : 'completions kept'}, backlog ${backlog}, median of ${rounds} rounds\n`);
console.log('| statement | ms | ms per job | buffers per job | WAL records per job | WAL bytes per job |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [statement, runs] of Object.entries(results)) {
  const jobs = median(runs.map((r) => (statement === 'claim' ? r.rows - 1 : r.rows)));
  const per = (key) => median(runs.map((r) => r[key])) / jobs;
  console.log(`| ${statement} | ${median(runs.map((r) => r.ms)).toFixed(2)} | ${(per('ms') * 1000).toFixed(1)} µs | ${per('buffers').toFixed(1)} | ${per('walRecords').toFixed(2)} | ${per('walBytes').toFixed(0)} |`);
}
