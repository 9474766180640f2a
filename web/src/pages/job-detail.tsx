import { api, post } from '../api';
import { ActionButton } from '../components/action-button';
import { ErrorNote } from '../components/error-note';
import { JsonView } from '../components/json-view';
import { ProgressBar } from '../components/progress-bar';
import { StateBadge } from '../components/state-badge';
import { ago, duration, time } from '../format';
import { useResource } from '../hooks';
import { href, navigate } from '../router';
import type { JobDetails } from '../types';
import { LogList } from './log-list';

const RETRYABLE = ['failed', 'dead', 'cancelled'];
const CANCELLABLE = ['scheduled', 'queued', 'running'];

/** One job: payload, result or error with stack, attempts, checkpoint, progress, logs; retry, cancel. */
export function JobDetail({ id }: { id: string }) {
  const { data, error, reload } = useResource(() => api<JobDetails>(`api/jobs/${encodeURIComponent(id)}`), [id], (e) => e.jobId === id, 300);
  if (!data) return <ErrorNote error={error} />;
  const { job, attempts, logs, checkpointToken, transitions } = data;
  const isRun = data.steps.length > 0 || job.budget !== null;
  return (
    <section aria-labelledby="job-title">
      <p><a href={href('/jobs', { queue: job.queue })}>← jobs of {job.queue}</a></p>
      <h1 id="job-title">
        Job {job.id} <small>{job.name}</small> <StateBadge state={job.state} />
      </h1>
      <ErrorNote error={error} />
      <div class="toolbar">
        {RETRYABLE.includes(job.state) && <ActionButton label="Retry" run={() => post(`api/jobs/${job.id}/retry`)} onDone={reload} />}
        {CANCELLABLE.includes(job.state) && !job.cancelRequested && <ActionButton label="Cancel" kind="danger" confirm={`Cancel job ${job.id}?`} run={() => post(`api/jobs/${job.id}/cancel`)} onDone={reload} />}
        {job.cancelRequested && job.state === 'running' && <span role="status">cancel requested</span>}
        {isRun && <a href={href(`/runs/${job.id}`)}>Open as a workflow run →</a>}
      </div>
      <dl class="facts">
        <dt>queue</dt><dd>{job.queue}</dd>
        <dt>attempt</dt><dd>{job.attempt} of {job.maxAttempts}</dd>
        <dt>priority</dt><dd>{job.priority}</dd>
        <dt>progress</dt><dd><ProgressBar progress={job.progress} /></dd>
        <dt>checkpoint token</dt><dd data-testid="checkpoint-token">{checkpointToken ?? '—'}</dd>
        <dt>created</dt><dd>{time(job.createdAt)}</dd>
        <dt>run at</dt><dd>{time(job.runAt)} ({ago(job.runAt)})</dd>
        <dt>finished</dt><dd>{time(job.finishedAt)}</dd>
        <dt>worker</dt><dd>{job.workerId ?? '—'}</dd>
        <dt>tags</dt><dd>{job.tags.length ? job.tags.join(', ') : '—'}</dd>
      </dl>
      <h2>Payload</h2>
      <JsonView value={job.payload} label="payload" />
      {job.result !== undefined && job.result !== null && (
        <>
          <h2>Result</h2>
          <JsonView value={job.result} label="result" />
        </>
      )}
      {job.error && (
        <>
          <h2>Error</h2>
          <p class="error-text">{job.error.name ? `${job.error.name}: ` : ''}{job.error.message} (attempt {job.error.attempt})</p>
          {job.error.stack && <pre class="stack" tabIndex={0} aria-label="stack trace">{job.error.stack}</pre>}
        </>
      )}
      <h2>Attempts</h2>
      <ol class="timeline" aria-label="attempts">
        {attempts.map((a) => (
          <li key={a.attempt}>
            <strong>attempt {a.attempt}</strong> {time(a.startedAt)} · {a.endedAt ? duration(a.endedAt - a.startedAt) : 'running'} · {a.outcome ? <StateBadge state={a.outcome} /> : '…'}
            {a.workerId && <span class="muted"> on {a.workerId}</span>}
          </li>
        ))}
        {attempts.length === 0 && <li class="muted">not started yet</li>}
      </ol>
      <h2>History</h2>
      <ol class="timeline" aria-label="state history">
        {transitions.map((t, i) => (
          <li key={i}>
            {time(t.at)}: {t.from ?? 'new'} → <StateBadge state={t.to} />
            {t.reason && <span class="muted"> ({t.reason})</span>}
          </li>
        ))}
      </ol>
      <h2>Logs</h2>
      <LogList logs={logs.map((l) => ({ at: l.at, level: l.level, message: l.message, fields: l.fields, attempt: l.attempt, stepId: null }))} />
      <p><button type="button" onClick={() => navigate('/jobs')}>Back to all jobs</button></p>
    </section>
  );
}
