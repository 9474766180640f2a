#!/usr/bin/env node
// Merges the anchor harness's JSON lines of one (system, options, scenario, parameters) into one
// line whose repetitions are all of theirs, with the summary taken again over them. The harness's
// summarizer keeps only the last line of a (system, scenario); run-pg-anchors.sh runs the drains
// one repetition at a time, taking turns between the systems, so that a slow minute of this
// shared machine falls on every system alike, and this puts the repetitions back together.
//   node bench/merge-reps.mjs in.jsonl > merged.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/merge-reps.mjs <results.jsonl>');
  process.exit(2);
}

/** Median, min and max as the harness reports them (two decimals). */
function spread(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  const round = (x) => Math.round(x * 100) / 100;
  return { median: round(mid), min: round(v[0]), max: round(v[v.length - 1]), n: v.length };
}

const groups = new Map();
for (const text of readFileSync(file, 'utf8').split('\n')) {
  if (!text.trim()) continue;
  const line = JSON.parse(text);
  const { reps: _reps, ...params } = line.params;
  const key = JSON.stringify([line.system, line.label, line.scenario, params, line.opt]);
  const group = groups.get(key);
  if (group) group.reps.push(...line.reps);
  else groups.set(key, { ...line, params: { ...params }, reps: [...line.reps] });
}

for (const line of groups.values()) {
  const summary = {};
  for (const [name, value] of Object.entries(line.reps[0])) if (typeof value === 'number') summary[name] = spread(line.reps.map((rep) => rep[name]));
  line.params.reps = String(line.reps.length);
  process.stdout.write(`${JSON.stringify({ ...line, summary })}\n`);
}
