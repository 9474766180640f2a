import { useMemo, useState } from 'preact/hooks';
import { api, post } from '../api';
import { ActionButton } from '../components/action-button';
import { DagView } from '../components/dag-view';
import { ErrorNote } from '../components/error-note';
import { Gantt } from '../components/gantt';
import { StateBadge } from '../components/state-badge';
import { duration, time } from '../format';
import { graphOf } from '../graph-model';
import { useResource, useTick } from '../hooks';
import { href, navigate } from '../router';
import type { Run, RunLog } from '../types';
import { LogList } from './log-list';
import { ResumeRun } from './resume-run';
import { StepPanel } from './step-panel';
import { UsagePanel } from './usage-panel';

const ACTIVE = ['pending', 'running', 'paused'];

/** One run: its DAG coloured by status, a step timeline, each step's input/output/error, live logs, usage against budget. */
export function RunDetail({ id }: { id: string }) {
  const mine = (e: { jobId?: string; runId?: string }) => e.runId === id || e.jobId === id;
  const run = useResource(() => api<Run>(`api/executions/${encodeURIComponent(id)}`), [id], mine, 200);
  const logs = useResource(() => api<{ logs: RunLog[] }>(`api/executions/${encodeURIComponent(id)}/logs`), [id], (e) => e.type === 'job:log' && mine(e), 200);
  const [selected, setSelected] = useState<string | null>(null);
  const now = useTick(1000);
  const graph = useMemo(() => (run.data ? graphOf(run.data) : { nodes: [], edges: [] }), [run.data]);
  if (!run.data) return <ErrorNote error={run.error} />;
  const r = run.data;
  const step = r.steps.find((s) => s.id === selected) ?? null;
  const finished = !ACTIVE.includes(r.status);
  return (
    <section aria-labelledby="run-title">
      <p><a href={href('/runs', { workflow: r.workflow })}>← runs of {r.workflow}</a></p>
      <h1 id="run-title">
        Run {r.id} <small>{r.workflow}</small> <span data-testid="run-status"><StateBadge state={r.status} /></span>
      </h1>
      <ErrorNote error={run.error} />
      <div class="toolbar">
        {!finished && <ActionButton label="Cancel run" kind="danger" confirm={`Cancel run ${r.id} and the runs it started?`} run={() => post(`api/executions/${r.id}/cancel`)} onDone={run.reload} />}
        {finished && step && (
          <ActionButton label={`Rerun from ${step.id}`} run={() => post<{ executionId: string }>(`api/executions/${r.id}/rerun`, { fromStep: step.id })} onDone={(x) => navigate(`/runs/${(x as { executionId: string }).executionId}`)} />
        )}
        {finished && !step && r.steps.length > 0 && <span class="muted">Select a step to rerun from it.</span>}
        <a href={href(`/jobs/${r.id}`)}>Open as a job</a>
        {r.parentId && <a href={href(`/runs/${r.parentId}`)}>Parent run {r.parentId}</a>}
      </div>
      {r.status === 'paused' && <ResumeRun id={r.id} onDone={run.reload} />}
      {r.error && <p class="error-text">{r.error.message}</p>}
      <div class="run-grid">
        <div>
          <h2>Graph</h2>
          <div class="scroll">
            <DagView graph={graph} selected={selected} onSelect={setSelected} />
          </div>
        </div>
        <div>
          <h2>Step</h2>
          <StepPanel step={step} />
        </div>
      </div>
      <h2>Timeline</h2>
      <Gantt steps={r.steps} now={r.finishedAt ?? now} />
      <UsagePanel usage={r.usage} budget={r.budget} />
      <h2>Logs</h2>
      <LogList logs={logs.data?.logs ?? []} />
      <h2>Status history</h2>
      <ol class="timeline">
        {r.history.map((h, i) => (
          <li key={i}>
            {time(h.at)}: {h.from ?? 'new'} → <StateBadge state={h.to} /> {h.cause && <span class="muted">({h.cause})</span>}
          </li>
        ))}
      </ol>
      <p class="muted">Created {time(r.createdAt)}{r.finishedAt ? `, took ${duration(r.finishedAt - r.createdAt)}` : ''}.</p>
    </section>
  );
}
