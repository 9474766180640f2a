import type { Job } from '../core/job.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const time = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

/** A plain table: columns padded to their widest cell. */
export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const row of cells) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
}

export function printJobs(jobs: Job[]): void {
  if (jobs.length === 0) {
    process.stdout.write('no jobs\n');
    return;
  }
  printTable(
    ['ID', 'NAME', 'QUEUE', 'STATE', 'ATTEMPT', 'CREATED', 'ERROR'],
    jobs.map((j) => [j.id, j.name, j.queue, j.state, `${j.attempt}/${j.maxAttempts}`, time(j.createdAt), j.error?.message ?? '']),
  );
}

export function printJob(job: Job): void {
  const lines: [string, unknown][] = [
    ['id', job.id],
    ['name', job.name],
    ['queue', job.queue],
    ['state', job.state],
    ['attempt', `${job.attempt}/${job.maxAttempts}`],
    ['priority', job.priority],
    ['payload', JSON.stringify(job.payload)],
    ['run at', time(job.runAt)],
    ['created', time(job.createdAt)],
    ['started', time(job.startedAt)],
    ['finished', time(job.finishedAt)],
  ];
  if (job.result !== undefined) lines.push(['result', JSON.stringify(job.result)]);
  if (job.error) lines.push(['error', `${job.error.message} (attempt ${job.error.attempt})`]);
  if (job.progress !== null) lines.push(['progress', JSON.stringify(job.progress)]);
  if (job.checkpointToken) lines.push(['checkpoint', job.checkpointToken]);
  if (job.workerId && job.state === 'running') lines.push(['worker', `${job.workerId} (lease until ${time(job.leaseExpiresAt)})`]);
  if (job.cancelRequested) lines.push(['cancel', 'requested; the worker aborts the handler']);
  if (job.idempotencyKey) lines.push(['key', job.idempotencyKey]);
  if (job.tags.length) lines.push(['tags', job.tags.join(', ')]);
  if (job.groupKey) lines.push(['group', job.groupKey]);
  if (job.concurrencyKey) lines.push(['conc. key', job.concurrencyKey]);
  if (job.rateKey) lines.push(['rate key', job.rateKey]);
  if (job.breakerKey) lines.push(['breaker', job.breakerKey]);
  if (job.requiredTags.length) lines.push(['needs tags', job.requiredTags.join(', ')]);
  for (const [label, value] of lines) process.stdout.write(`${label.padEnd(11)}${String(value)}\n`);
}

export { time as formatTime };
