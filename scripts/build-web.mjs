#!/usr/bin/env node
// Builds the dashboard (web/) into dist/web: one minified ES module bundle with Preact and the
// graph layout inside, its style sheet, and index.html. Nothing is fetched at run time, so the
// dashboard works on a machine without network access. Run by `npm run build`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}dist/web`;

mkdirSync(OUT, { recursive: true });
await build({
  entryPoints: [`${ROOT}web/src/main.tsx`],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: `${OUT}/app.js`,
  logLevel: 'warning',
  legalComments: 'linked',
});
copyFileSync(`${ROOT}web/index.html`, `${OUT}/index.html`);
copyFileSync(`${ROOT}web/style.css`, `${OUT}/style.css`);
