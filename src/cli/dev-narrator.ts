import { formatDuration } from '../core/duration.js';
import type { Taskwright } from '../runtime/engine.js';

const VERB_WIDTH = 10;

/** Prints one readable line per job event, prefixed with the time since `startedAt`. */
export function narrate(engine: Taskwright, startedAt: number, labelOf: (jobId: string, name: string) => string): (line: string) => void {
  const say = (line: string): void => {
    process.stdout.write(`${`+${formatDuration(Date.now() - startedAt)}`.padStart(7)}  ${line}\n`);
  };
  const event = (verb: string, text: string): void => say(`${verb.padEnd(VERB_WIDTH)} ${text}`);
  const short = (value: unknown): string => {
    const text = JSON.stringify(value) ?? 'undefined';
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
  };

  engine.on('worker:started', (e) => say(`worker ${e.workerId} started: queues ${e.queues.join(', ')}, concurrency ${e.concurrency}`));
  engine.on('job:started', (e) => event('start', `${labelOf(e.jobId, e.name)} (attempt ${e.attempt})`));
  engine.on('job:progress', (e) => event('progress', `${labelOf(e.jobId, e.name)} ${short(e.progress)}`));
  engine.on('job:checkpoint', (e) => event('checkpoint', `${labelOf(e.jobId, e.name)} saved "${e.token}" (${e.bytes} bytes)`));
  engine.on('job:log', (e) => event('log', `${labelOf(e.jobId, '')} ${e.message}${e.fields ? ` ${short(e.fields)}` : ''}`));
  engine.on('job:retrying', (e) =>
    event('retry', `${labelOf(e.jobId, e.name)} failed: ${e.error.message}; attempt ${e.attempt + 1} in ${formatDuration(Math.max(0, e.runAt - Date.now()))}`),
  );
  engine.on('job:failed', (e) =>
    event(e.state, `${labelOf(e.jobId, e.name)}: ${e.error.message} (${e.state === 'dead' ? 'moved to the dead-letter queue' : 'marked failed'})`),
  );
  engine.on('job:completed', (e) => event('done', `${labelOf(e.jobId, e.name)} in ${formatDuration(e.durationMs)} -> ${short(e.result)}`));
  engine.on('job:snoozed', (e) => event('snoozed', `${labelOf(e.jobId, e.name)} until ${new Date(e.runAt).toISOString()}`));
  engine.on('job:cancelled', (e) => event('cancelled', labelOf(e.jobId, e.name)));
  engine.on('job:released', (e) => event('released', `${labelOf(e.jobId, e.name)} back to the queue`));
  return say;
}
