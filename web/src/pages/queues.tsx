import { api, post } from '../api';
import { ActionButton } from '../components/action-button';
import { ErrorNote } from '../components/error-note';
import { StateBadge } from '../components/state-badge';
import { ago, count, duration } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';
import type { Breaker, Limit, QueueInfo } from '../types';
import { LimitForm } from './limit-form';

interface Data {
  queues: QueueInfo[];
  limits: Limit[];
  breakers: Breaker[];
  flowError: string | null;
}

async function load(): Promise<Data> {
  const queues = (await api<{ queues: QueueInfo[] }>('api/queues')).queues;
  try {
    const [limits, breakers] = await Promise.all([api<{ limits: Limit[] }>('api/limits'), api<{ breakers: Breaker[] }>('api/breakers')]);
    return { queues, limits: limits.limits, breakers: breakers.breakers, flowError: null };
  } catch (error) {
    return { queues, limits: [], breakers: [], flowError: (error as Error).message };
  }
}

const rateText = (rate: Limit['rate']): string => (rate ? `${rate.count} per ${duration(rate.intervalMs)}` : '—');

/** Queues with pause/resume, limits and rate limits, circuit breakers with reset. */
export function Queues() {
  const { data, error, reload } = useResource(load, [], (e) => e.type.startsWith('job:'), 1500);
  return (
    <section aria-labelledby="queues-title">
      <h1 id="queues-title">Queues</h1>
      <ErrorNote error={error} />
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">queue</th>
              <th scope="col">queued</th>
              <th scope="col">running</th>
              <th scope="col">scheduled</th>
              <th scope="col">dead</th>
              <th scope="col">oldest queued</th>
              <th scope="col">status</th>
              <th scope="col"><span class="sr-only">actions</span></th>
            </tr>
          </thead>
          <tbody>
            {(data?.queues ?? []).map((q) => (
              <tr key={q.queue} data-queue={q.queue}>
                <th scope="row"><a href={href('/jobs', { queue: q.queue })}>{q.queue}</a></th>
                <td>{count(q.counts.queued ?? 0)}</td>
                <td>{count(q.counts.running ?? 0)}</td>
                <td>{count(q.counts.scheduled ?? 0)}</td>
                <td>{count(q.counts.dead ?? 0)}</td>
                <td>{duration(q.oldestQueuedAgeMs)}</td>
                <td><StateBadge state={q.paused ? 'paused' : 'active'} /></td>
                <td>
                  {q.paused ? (
                    <ActionButton label="Resume" run={() => post(`api/queues/${encodeURIComponent(q.queue)}/resume`)} onDone={reload} />
                  ) : (
                    <ActionButton label="Pause" run={() => post(`api/queues/${encodeURIComponent(q.queue)}/pause`)} onDone={reload} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data?.flowError && <p class="muted">Limits and breakers: {data.flowError}</p>}
      <h2>Limits</h2>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">key</th>
              <th scope="col">concurrency</th>
              <th scope="col">rate</th>
              <th scope="col"><span class="sr-only">actions</span></th>
            </tr>
          </thead>
          <tbody>
            {(data?.limits ?? []).map((l) => (
              <tr key={l.key}>
                <th scope="row">{l.key}</th>
                <td>{l.concurrency ?? '—'}</td>
                <td>{rateText(l.rate)}</td>
                <td><ActionButton label="Remove" kind="danger" confirm={`Remove the limits of ${l.key}?`} run={() => api(`api/limits/${encodeURIComponent(l.key)}`, { method: 'DELETE', body: {} })} onDone={reload} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LimitForm onSaved={reload} />
      <h2>Circuit breakers</h2>
      {(data?.breakers ?? []).length === 0 ? (
        <p class="muted">No breakers configured.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">key</th>
                <th scope="col">state</th>
                <th scope="col">failures in a row</th>
                <th scope="col">changed</th>
                <th scope="col">reason</th>
                <th scope="col"><span class="sr-only">actions</span></th>
              </tr>
            </thead>
            <tbody>
              {(data?.breakers ?? []).map((b) => (
                <tr key={b.key}>
                  <th scope="row">{b.key}</th>
                  <td><StateBadge state={b.state} /></td>
                  <td>{b.consecutiveFailures}</td>
                  <td>{ago(b.changedAt)}</td>
                  <td>{b.reason ?? '—'}</td>
                  <td>{b.state !== 'closed' && <ActionButton label="Reset" run={() => post(`api/breakers/${encodeURIComponent(b.key)}/reset`)} onDone={reload} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
