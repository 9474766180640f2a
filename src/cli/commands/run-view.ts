import type { RunView } from '../../workflow/run-view.js';
import { formatTime, printTable } from '../output.js';

const short = (value: unknown, max = 60): string => {
  if (value === null || value === undefined) return '-';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
};

/** `runs get` in text: the run, its status history, its steps, its logs and what it spent. */
export function printRun(run: RunView): void {
  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  out(`run ${run.id}  ${run.workflow}  ${run.status}`);
  out(`input     ${short(run.input, 200)}`);
  if (run.output !== undefined) out(`output    ${short(run.output, 200)}`);
  if (run.error) out(`error     ${run.error.message}`);
  if (run.parentId) out(`parent    ${run.parentId}`);
  out(`created   ${formatTime(run.createdAt)}   finished ${formatTime(run.finishedAt)}`);
  const budget = run.budget ? `  budget ${JSON.stringify(run.budget)}` : '';
  out(`usage     tokens ${run.usage.tokens}  cost $${run.usage.costUsd.toFixed(4)}  steps ${run.usage.steps}  wall ${run.usage.wallTimeMs}ms${budget}`);
  out('\nhistory');
  for (const t of run.history) out(`  ${formatTime(t.at)}  ${(t.from ?? '-').padEnd(9)} -> ${t.to.padEnd(9)}${t.cause ? `  ${t.cause}` : ''}`);
  if (run.steps.length) {
    out('\nsteps');
    printTable(
      ['  STEP', 'STATUS', 'ATTEMPTS', 'DURATION', 'TOKENS', 'COST', 'INPUT', 'OUTPUT / ERROR'],
      run.steps.map((s) => [
        `  ${s.id}`,
        s.parked ? `${s.status} (${s.parked})` : s.status,
        s.attempts,
        s.durationMs === null ? '-' : `${s.durationMs}ms`,
        s.usage?.tokens ?? 0,
        (s.usage?.costUsd ?? 0).toFixed(4),
        short(s.input, 40),
        s.error ? s.error.message : short(s.output),
      ]),
    );
  }
  if (run.logs.length) {
    out('\nlogs');
    for (const l of run.logs) out(`  ${formatTime(l.at)}  [${l.level}]${l.stepId ? ` (${l.stepId})` : ''} ${l.message}${l.fields ? ` ${JSON.stringify(l.fields)}` : ''}`);
  }
}
