import type { Step, StepTools } from '../steps.js';
import type { GraphNode } from './validate.js';

export interface NodeInput<Input = unknown> {
  input: Input;
  /** outputs of this node's parents by id (undefined for a skipped parent) */
  parents: Record<string, unknown>;
  /** aborts when the run is cancelled or passes its timebox */
  signal?: AbortSignal;
  /** SQL against the store's own database (see the sql node) */
  sql?: StepTools['sql'];
}

export interface ExecutableNode extends GraphNode {
  when?: { node: string; equals: unknown };
  run: (args: NodeInput) => unknown;
  retry?: { attempts: number; backoff?: number | string };
  /** keys the output object must have */
  required?: readonly string[];
  /** checks the output (a compiled JSON Schema); throws naming the node and the failing path */
  validateOutput?: (output: unknown) => void;
}

export interface DagResult {
  outputs: Record<string, unknown>;
  skipped: string[];
}


/**
 * Runs every node as one memoized step, each as soon as all its parents are done, so independent
 * branches run at the same time. A node whose condition does not hold, or whose parents were all
 * skipped, is recorded as skipped and its function never runs.
 */
export async function executeGraph(nodes: readonly ExecutableNode[], order: readonly string[], input: unknown, step: Step): Promise<DagResult> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Map<string, Promise<{ skipped: boolean; output: unknown }>>();
  for (const id of order) {
    const node = byId.get(id) as ExecutableNode;
    done.set(id, (async () => {
      const parentResults = await Promise.all(node.parents.map((p) => done.get(p) as Promise<{ skipped: boolean; output: unknown }>));
      let skip = node.parents.length > 0 && parentResults.every((r) => r.skipped);
      if (!skip && node.when) {
        const condition = parentResults[node.parents.indexOf(node.when.node)];
        skip = !condition || condition.skipped || JSON.stringify(condition.output) !== JSON.stringify(node.when.equals);
      }
      if (skip) {
        await step.skip(id);
        return { skipped: true, output: undefined };
      }
      const parents = Object.fromEntries(node.parents.map((p, i) => [p, parentResults[i]?.output]));
      const output = await step.run(
        id,
        async ({ signal, sql }) => {
          const result = await node.run({ input, parents, signal, sql });
          checkRequired(node, result);
          node.validateOutput?.(result);
          return result;
        },
        { input: { parents }, ...(node.retry && { retry: node.retry }) },
      );
      return { skipped: false, output };
    })());
  }
  const results = await Promise.all(order.map(async (id) => [id, await (done.get(id) as Promise<{ skipped: boolean; output: unknown }>)] as const));
  return {
    outputs: Object.fromEntries(results.filter(([, r]) => !r.skipped).map(([id, r]) => [id, r.output])),
    skipped: results.filter(([, r]) => r.skipped).map(([id]) => id),
  };
}

function checkRequired(node: ExecutableNode, output: unknown): void {
  if (!node.required?.length) return;
  const missing = node.required.filter((key) => typeof output !== 'object' || output === null || !(key in output));
  if (missing.length) throw new Error(`node "${node.id}" output is missing required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
}
