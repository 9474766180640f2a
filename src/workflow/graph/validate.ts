import { ValidationError } from '../../core/errors.js';

export interface GraphNode {
  id: string;
  parents: readonly string[];
  when?: { node: string } | undefined;
}

/**
 * Checks a graph when the workflow is defined: duplicate ids, unknown parents, a condition that is
 * not a parent, and cycles, each named. Returns the ids in a topological order.
 */
export function validateGraph(workflow: string, nodes: readonly GraphNode[]): string[] {
  const byId = new Map<string, GraphNode>();
  for (const node of nodes) {
    if (typeof node.id !== 'string' || !/^[\w.:-]{1,100}$/.test(node.id)) {
      throw new ValidationError(`expected node ids in workflow "${workflow}" to be 1 to 100 letters, digits or _ . : -, got ${JSON.stringify(node.id)}`);
    }
    if (byId.has(node.id)) throw new ValidationError(`workflow "${workflow}" has two nodes with id "${node.id}"`);
    byId.set(node.id, node);
  }
  for (const node of nodes) {
    for (const parent of node.parents) {
      if (!byId.has(parent)) throw new ValidationError(`node "${node.id}" of workflow "${workflow}" depends on unknown node "${parent}"`);
    }
    if (node.when && !node.parents.includes(node.when.node)) {
      throw new ValidationError(`node "${node.id}" of workflow "${workflow}" has a condition on "${node.when.node}", which must also be one of its parents`);
    }
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new ValidationError(`cycle in workflow "${workflow}": ${cycle.join(' -> ')}`);
    }
    state.set(id, 'visiting');
    for (const parent of (byId.get(id) as GraphNode).parents) visit(parent, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const node of nodes) visit(node.id, []);
  return order;
}
