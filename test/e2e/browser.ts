// Debian's chromium driven by playwright-core, with a fresh profile per launch. The flags keep
// it off the network (this machine has none, and Chromium's background services would retry).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.TW_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Screenshots are kept here after the run, to look at (tmp/ is ignored by git). */
export const SHOTS_DIR = fileURLToPath(new URL('../../tmp/e2e-screenshots/', import.meta.url));

/**
 * Null when the browser can run, else why not. Under CI=true a missing browser is an error
 * (scripts/ensure-chromium.mjs installs it), never a skip.
 */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} is not installed (scripts/ensure-chromium.mjs installs Debian's chromium)`;
  if (process.env.CI === 'true') throw new Error(`${why}; under CI=true the browser tests must run`);
  return why;
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tw-chromium-'));
  mkdirSync(SHOTS_DIR, { recursive: true });
  // launchPersistentContext is how playwright takes a --user-data-dir: a fresh, empty profile
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
