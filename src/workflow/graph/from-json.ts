import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { zodIssueMessage } from '../../core/options.js';
import type { JobDefinition } from '../../runtime/handlers.js';
import { conditionNode, httpNode, transformNode } from './builtin-nodes.js';
import { codeNode } from './code-node.js';
import { sqlNode } from './sql-node.js';
import { outputValidator } from '../output-schema.js';
import { dagDefinition } from './define-dag.js';
import type { DagResult, ExecutableNode } from './execute.js';

// Fields every node type shares: its id, its parents by name, a branch condition and output checks.
const common = {
  id: z.string(),
  dependsOn: z.array(z.string()).optional(),
  when: z.object({ node: z.string(), equals: z.unknown() }).optional(),
  required: z.array(z.string()).optional(),
  output: z.union([z.record(z.string(), z.unknown()), z.boolean()]).optional(),
};
const nodeSchema = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal('transform'), config: z.object({ map: z.record(z.string(), z.string()) }) }),
  z.object({ ...common, type: z.literal('condition'), config: z.object({ path: z.string(), equals: z.unknown() }) }),
  z.object({ ...common, type: z.literal('code'), config: z.object({ source: z.string().min(1), timeoutMs: z.number().int().positive().optional(), memoryMb: z.number().int().positive().optional() }) }),
  z.object({ ...common, type: z.literal('http'), config: z.object({ method: z.string().optional(), url: z.string(), headers: z.record(z.string(), z.string()).optional(), body: z.unknown().optional(), timeoutMs: z.number().int().positive().optional() }) }),
  z.object({ ...common, type: z.literal('sql'), config: z.object({ query: z.string().min(1), params: z.union([z.array(z.string()), z.record(z.string(), z.string())]).optional(), readOnly: z.boolean().optional(), maxRows: z.number().int().positive().optional() }) }),
]);
const dagSchema = z.object({ name: z.string().min(1), nodes: z.array(nodeSchema).min(1) }).strict();

export type DagJson = z.input<typeof dagSchema>;

/** The JSON form (for the CLI and the API): nodes with a `type`, `dependsOn` names and a `config`. */
export function dagFromJson(json: unknown): JobDefinition<unknown, DagResult> {
  const parsed = dagSchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(zodIssueMessage(parsed.error, json, { name: 'a workflow name', nodes: 'a list of { id, type: transform|condition|http|code|sql, dependsOn, config, output }' }, 'workflow'));
  }
  const nodes: ExecutableNode[] = parsed.data.nodes.map((node) => {
    const run =
      node.type === 'transform'
        ? transformNode(node.config.map)
        : node.type === 'condition'
          ? conditionNode(node.config.path, node.config.equals)
          : node.type === 'sql'
            ? sqlNode(node.config)
          : node.type === 'code'
            ? codeNode(node.config.source, { ...(node.config.timeoutMs && { timeoutMs: node.config.timeoutMs }), ...(node.config.memoryMb && { memoryMb: node.config.memoryMb }) })
            : httpNode(node.config);
    return {
      id: node.id,
      parents: node.dependsOn ?? [],
      ...(node.when && { when: node.when }),
      ...(node.required && { required: node.required }),
      ...(node.output !== undefined && { validateOutput: outputValidator(node.output, `node "${node.id}"`) }),
      run,
    };
  });
  return dagDefinition(parsed.data.name, nodes);
}
