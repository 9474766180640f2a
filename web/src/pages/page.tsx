import type { Route } from '../router';
import { DeadLetters } from './dlq';
import { JobDetail } from './job-detail';
import { Jobs } from './jobs';
import { Overview } from './overview';
import { Queues } from './queues';
import { RunDetail } from './run-detail';
import { Runs } from './runs';
import { Schedules } from './schedules';
import { Workers } from './workers';

/** The page for a hash path. */
export function Page({ route }: { route: Route }) {
  const [, section = '', id] = route.path.split('/');
  switch (section) {
    case '':
      return <Overview />;
    case 'queues':
      return <Queues />;
    case 'jobs':
      return id ? <JobDetail id={decodeURIComponent(id)} key={id} /> : <Jobs route={route} />;
    case 'dlq':
      return <DeadLetters route={route} />;
    case 'runs':
      return id ? <RunDetail id={decodeURIComponent(id)} key={id} /> : <Runs route={route} />;
    case 'schedules':
      return <Schedules />;
    case 'workers':
      return <Workers />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>No page {route.path}. <a href="#/">Go to the overview</a>.</p>
        </section>
      );
  }
}
