import type { Run, RunStep } from './types';

export interface GraphNode {
  id: string;
  status: RunStep['status'] | 'pending';
}
export interface GraphModel {
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
}

/**
 * The graph of a run. A DAG's edges come with the run (from its definition); a step function has
 * none stored, so its steps are drawn in the order they started, steps that overlapped in time
 * (parallel ones) side by side, each group depending on the one before.
 */
export function graphOf(run: Pick<Run, 'graph' | 'steps'>): GraphModel {
  const statusOf = new Map(run.steps.map((s) => [s.id, s.status]));
  if (run.graph) {
    return {
      nodes: run.graph.map((n) => ({ id: n.id, status: statusOf.get(n.id) ?? 'pending' })),
      edges: run.graph.flatMap((n) => n.parents.map((p) => ({ from: p, to: n.id }))),
    };
  }
  const started = run.steps.filter((s) => s.startedAt !== null).sort((a, b) => (a.startedAt as number) - (b.startedAt as number));
  const waiting = run.steps.filter((s) => s.startedAt === null);
  const groups: RunStep[][] = [];
  let groupEnd = -Infinity;
  for (const step of started) {
    const start = step.startedAt as number;
    const end = step.finishedAt ?? Infinity;
    const last = groups[groups.length - 1];
    if (last && start < groupEnd) {
      last.push(step);
      groupEnd = Math.max(groupEnd, end);
    } else {
      groups.push([step]);
      groupEnd = end;
    }
  }
  for (const step of waiting) groups.push([step]);
  const edges: GraphModel['edges'] = [];
  groups.forEach((group, i) => {
    const before = groups[i - 1];
    if (before) for (const from of before) for (const to of group) edges.push({ from: from.id, to: to.id });
  });
  return { nodes: run.steps.map((s) => ({ id: s.id, status: s.status })), edges };
}
