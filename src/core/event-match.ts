import { ValidationError, describeValue } from './errors.js';

// How a trigger picks events and builds its job's payload from one. Pure and JSON-only, so every
// process evaluates a trigger the same way whichever store it came from.

/** What a trigger's payload template and match read: the event as one JSON value. */
export interface EventEnvelope {
  id: string;
  name: string;
  data: unknown;
  /** when the event was published, epoch ms */
  at: number;
}

/** A condition on one path of the event data: a value (deep equality) or one operator. */
export type MatchCondition = unknown;
/** Dotted paths into the event data (`customer.tier`), each with its condition; all must hold. */
export type EventMatch = Record<string, MatchCondition>;

const OPERATORS = ['$in', '$ne', '$exists'] as const;
const PATH = /^[\w-]+(\.[\w-]+)*$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const operatorOf = (condition: unknown): string | null => {
  if (!isPlainObject(condition)) return null;
  const keys = Object.keys(condition);
  return keys.length === 1 && keys[0]!.startsWith('$') ? keys[0]! : null;
};

/** Checks a match object (paths and operators); throws naming the bad part. */
export function validateMatch(match: unknown): EventMatch | null {
  if (match === undefined || match === null) return null;
  if (!isPlainObject(match)) throw new ValidationError(`expected match to be an object of data paths to values, got ${describeValue(match)}`, { field: 'match' });
  for (const [path, condition] of Object.entries(match)) {
    if (!PATH.test(path)) throw new ValidationError(`expected match keys to be dotted data paths like customer.tier, got ${JSON.stringify(path)}`, { field: 'match' });
    const op = operatorOf(condition);
    if (op === null) continue;
    const operand = (condition as Record<string, unknown>)[op];
    if (!(OPERATORS as readonly string[]).includes(op)) throw new ValidationError(`expected match operator for ${path} to be one of ${OPERATORS.join(', ')}, got ${JSON.stringify(op)}`, { field: 'match' });
    if (op === '$in' && !Array.isArray(operand)) throw new ValidationError(`expected $in of ${path} to be an array, got ${describeValue(operand)}`, { field: 'match' });
    if (op === '$exists' && typeof operand !== 'boolean') throw new ValidationError(`expected $exists of ${path} to be true or false, got ${describeValue(operand)}`, { field: 'match' });
  }
  return match;
}

function valueAt(data: unknown, path: string): { found: boolean; value: unknown } {
  let current: unknown = data;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, part)) return { found: false, value: undefined };
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}

/** JSON equality: both sides come from JSON, so key order is all that may differ. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** True when every condition holds on the event data (no match object: every event). */
export function matchesEvent(match: EventMatch | null, data: unknown): boolean {
  if (match === null) return true;
  return Object.entries(match).every(([path, condition]) => {
    const { found, value } = valueAt(data, path);
    const op = operatorOf(condition);
    const operand = op === null ? condition : (condition as Record<string, unknown>)[op];
    if (op === '$exists') return found === operand;
    if (op === '$in') return found && (operand as unknown[]).some((v) => jsonEqual(v, value));
    if (op === '$ne') return !found || !jsonEqual(value, operand);
    return found && jsonEqual(value, operand);
  });
}

/**
 * Builds a payload from a template: a string `$` is the whole event, `$.data.id` a path into it
 * (missing paths give null), `{ "$literal": x }` is x as written; everything else is kept. No
 * template means the event data itself.
 */
export function mapPayload(template: unknown, event: EventEnvelope): unknown {
  if (template === undefined) return event.data;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (node === '$') return event;
      if (node.startsWith('$.')) {
        const { found, value } = valueAt(event, node.slice(2));
        return found ? value : null;
      }
      return node;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (isPlainObject(node)) {
      if (operatorOf(node) === '$literal') return node.$literal;
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return walk(template);
}

/** Checks a payload template's `$.` paths and `$literal` wrappers; throws naming the bad one. */
export function validateTemplate(template: unknown): void {
  const walk = (node: unknown, where: string): void => {
    if (typeof node === 'string' && node.startsWith('$.') && !PATH.test(node.slice(2))) {
      throw new ValidationError(`expected ${where} to be a path like $.data.orderId, got ${JSON.stringify(node)}`, { field: 'payload' });
    }
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (isPlainObject(node)) {
      const op = operatorOf(node);
      if (op !== null && op !== '$literal') throw new ValidationError(`expected ${where} to use $literal (the only payload operator), got ${JSON.stringify(op)}`, { field: 'payload' });
      if (op === null) for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
    }
  };
  walk(template, 'payload');
}
