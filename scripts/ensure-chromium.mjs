#!/usr/bin/env node
// Makes sure the browser the dashboard's end-to-end tests drive is installed: Debian's chromium
// at /usr/bin/chromium (playwright-core drives it; no browser is downloaded by a test tool). As
// root with apt-get it installs the package when missing. When it is still missing, CI=true
// fails here; elsewhere it says so and the browser tests report themselves skipped.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CHROMIUM = process.env.TW_CHROMIUM ?? '/usr/bin/chromium';
const inCi = process.env.CI === 'true';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (isRoot && hasApt) {
    console.log(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package`);
    if (!run('apt-get', ['update', '-qq']) || !run('apt-get', ['install', '-y', '-qq', 'chromium'])) console.error('ensure-chromium: apt-get failed');
  } else {
    console.error(`ensure-chromium: ${CHROMIUM} is missing and this is ${isRoot ? 'a machine without apt-get' : 'not root'}; install it with: sudo apt-get install chromium`);
  }
}

if (existsSync(CHROMIUM)) {
  console.log(`ensure-chromium: ${CHROMIUM} is there`);
} else if (inCi) {
  console.error(`ensure-chromium: ${CHROMIUM} is still missing; under CI=true the browser tests cannot be skipped`);
  process.exit(1);
} else {
  console.warn('ensure-chromium: no browser; the browser tests (test/e2e) will report themselves skipped');
}
