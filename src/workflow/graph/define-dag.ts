import type { EnqueueOptions } from '../../core/options.js';
import type { JobDefinition } from '../../runtime/handlers.js';
import { defineWorkflow, type WorkflowOptions } from '../define-workflow.js';
import { outputValidator, type JsonSchema } from '../output-schema.js';
import { executeGraph, type DagResult, type ExecutableNode, type NodeInput } from './execute.js';
import { validateGraph } from './validate.js';

/** A node as seen by later nodes: pass it in `parents` (a typo is a type error, not a runtime one). */
export interface NodeRef<Output = unknown> {
  readonly id: string;
  /** carries the output type only */
  readonly __output?: Output;
}

export interface NodeOptions<Input, Output> {
  parents?: readonly NodeRef[];
  /** run only when this parent's output equals `equals` (a condition node's branch) */
  when?: { node: NodeRef; equals: unknown };
  run: (args: NodeInput<Input>) => Output | Promise<Output>;
  retry?: { attempts: number; backoff?: number | string };
  required?: readonly string[];
  /** a JSON Schema the node's output must match (checked with Ajv) */
  output?: JsonSchema;
}

export class DagBuilder<Input> {
  private readonly nodes: ExecutableNode[] = [];

  constructor(readonly name: string) {}

  node<Output>(id: string, options: NodeOptions<Input, Output>): NodeRef<Awaited<Output>> {
    this.nodes.push({
      id,
      parents: (options.parents ?? []).map((p) => p.id),
      ...(options.when && { when: { node: options.when.node.id, equals: options.when.equals } }),
      run: options.run as ExecutableNode['run'],
      ...(options.retry && { retry: options.retry }),
      ...(options.required && { required: options.required }),
      ...(options.output !== undefined && { validateOutput: outputValidator(options.output, `node "${id}"`) }),
    });
    return { id };
  }

  /** Validates the graph (cycles, unknown parents, duplicates) and makes it a runnable workflow. */
  build(defaults: EnqueueOptions = {}, options: Pick<WorkflowOptions, 'timeout' | 'onError'> = {}): JobDefinition<Input, DagResult> {
    return dagDefinition<Input>(this.name, this.nodes, defaults, options);
  }
}

export function defineDag<Input = unknown>(name: string): DagBuilder<Input> {
  return new DagBuilder<Input>(name);
}

export function dagDefinition<Input>(
  name: string,
  nodes: readonly ExecutableNode[],
  defaults: EnqueueOptions = {},
  options: Pick<WorkflowOptions, 'timeout' | 'onError'> = {},
): JobDefinition<Input, DagResult> {
  const order = validateGraph(name, nodes);
  const frozen = [...nodes];
  return defineWorkflow<Input, DagResult>(name, (input, step) => executeGraph(frozen, order, input, step), defaults, { strictOrder: false, nodes: order, parents: Object.fromEntries(frozen.map((n) => [n.id, [...new Set([...n.parents, ...(n.when ? [n.when.node] : [])])]])), ...options });
}
