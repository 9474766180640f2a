import { render } from 'preact';
import { App } from './app';
import { startLiveMetrics } from './live-metrics';

startLiveMetrics();
render(<App />, document.getElementById('app') as HTMLElement);
