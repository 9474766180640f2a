import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { zodIssueMessage } from '../../core/options.js';
import type { JobDefinition } from '../../runtime/handlers.js';
import { conditionNode, httpNode, transformNode } from './builtin-nodes.js';
import { codeNode } from './code-node.js';
import { dagDefinition } from './define-dag.js';
import type { DagResult, ExecutableNode } from './execute.js';

const nodeSchema = z.discriminatedUnion('type', [
  z.object({ id: z.string(), type: z.literal('transform'), dependsOn: z.array(z.string()).optional(), when: z.object({ node: z.string(), equals: z.unknown() }).optional(), required: z.array(z.string()).optional(), config: z.object({ map: z.record(z.string(), z.string()) }) }),
  z.object({ id: z.string(), type: z.literal('condition'), dependsOn: z.array(z.string()).optional(), when: z.object({ node: z.string(), equals: z.unknown() }).optional(), config: z.object({ path: z.string(), equals: z.unknown() }) }),
  z.object({ id: z.string(), type: z.literal('code'), dependsOn: z.array(z.string()).optional(), when: z.object({ node: z.string(), equals: z.unknown() }).optional(), required: z.array(z.string()).optional(), config: z.object({ source: z.string().min(1), timeoutMs: z.number().int().positive().optional(), memoryMb: z.number().int().positive().optional() }) }),
  z.object({ id: z.string(), type: z.literal('http'), dependsOn: z.array(z.string()).optional(), when: z.object({ node: z.string(), equals: z.unknown() }).optional(), required: z.array(z.string()).optional(), config: z.object({ method: z.string().optional(), url: z.string(), headers: z.record(z.string(), z.string()).optional(), body: z.unknown().optional(), timeoutMs: z.number().int().positive().optional() }) }),
]);
const dagSchema = z.object({ name: z.string().min(1), nodes: z.array(nodeSchema).min(1) }).strict();

export type DagJson = z.input<typeof dagSchema>;

/** The JSON form (for the CLI and the API): nodes with a `type`, `dependsOn` names and a `config`. */
export function dagFromJson(json: unknown): JobDefinition<unknown, DagResult> {
  const parsed = dagSchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(zodIssueMessage(parsed.error, json, { name: 'a workflow name', nodes: 'a list of { id, type: transform|condition|http|code, dependsOn, config }' }, 'workflow'));
  }
  const nodes: ExecutableNode[] = parsed.data.nodes.map((node) => {
    const run =
      node.type === 'transform'
        ? transformNode(node.config.map)
        : node.type === 'condition'
          ? conditionNode(node.config.path, node.config.equals)
          : node.type === 'code'
            ? codeNode(node.config.source, { ...(node.config.timeoutMs && { timeoutMs: node.config.timeoutMs }), ...(node.config.memoryMb && { memoryMb: node.config.memoryMb }) })
            : httpNode(node.config);
    return {
      id: node.id,
      parents: node.dependsOn ?? [],
      ...(node.when && { when: node.when }),
      ...('required' in node && node.required && { required: node.required }),
      run,
    };
  });
  return dagDefinition(parsed.data.name, nodes);
}
