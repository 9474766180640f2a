// A lone engine leads on every store: on SQLite (no leader election) it is its own leader at once;
// on PostgreSQL it wins the lease rows at its worker's start and releases them at its stop. The
// leader roles follow the workers: no running worker, no role.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';
import { waitFor } from '../support/wait.js';

const place = new StorePlace('leadership');
after(() => place.cleanup());

test('a lone engine leads while its worker runs, stages its delayed jobs, and gives the roles up at stop', async () => {
  const tw = new Taskwright({ store: place.store() });
  const changes: string[] = [];
  tw.on('leader:changed', (e) => changes.push(`${e.role}:${e.leader}`));
  const ran: string[] = [];
  tw.register('work', async (_payload, ctx) => void ran.push(ctx.job.id));
  await tw.migrate();
  assert.deepEqual([tw.leadership.stager, tw.leadership.scheduler], [false, false], 'no worker, no role');

  const worker = await tw.worker({ pollInterval: '10s' }).start();
  assert.deepEqual([tw.leadership.stager, tw.leadership.scheduler], [true, true], 'leads once its worker started');
  if (tw.store.capabilities.leaderElection) {
    const leaders = await tw.store.listLeaders!();
    assert.deepEqual(leaders.map((l) => [l.role, l.holder, l.live]), [['scheduler', tw.leadership.holder, true], ['stager', tw.leadership.holder, true]]);
  }
  const job = await tw.enqueue('work', {}, { delay: 300 });
  await waitFor(() => ran.includes(job.id), 5000, 'the delayed job to run (staged by this engine, woken without the 10s poll)');

  await worker.stop();
  assert.deepEqual([tw.leadership.stager, tw.leadership.scheduler], [false, false]);
  if (tw.store.capabilities.leaderElection) assert.deepEqual(await tw.store.listLeaders!(), [], 'the lease rows are released');
  assert.deepEqual(changes.sort(), ['scheduler:false', 'scheduler:true', 'stager:false', 'stager:true']);
  await tw.close();
});
