/**
 * A job's fairness group and flow keys live in one JSON column, `flow_keys` ({ g, c, r, b }), NULL
 * for most jobs. One column instead of four: every column of a row costs on each write of the
 * hot path (measured: four extra NULL columns cost plain claims and completions about 4% CPU).
 */
export interface FlowKeys {
  group: string | null;
  concurrency: string | null;
  rate: string | null;
  breaker: string | null;
}

/** SQL for one key of the column: `key('c')` is the concurrency key or NULL. */
export const flowKey = (k: 'g' | 'c' | 'r' | 'b'): string => `json_extract(flow_keys, '$.${k}')`;

export function encodeFlowKeys(keys: FlowKeys): string | null {
  const { group, concurrency, rate, breaker } = keys;
  if (group === null && concurrency === null && rate === null && breaker === null) return null;
  const encoded: Record<string, string> = {};
  if (group !== null) encoded.g = group;
  if (concurrency !== null) encoded.c = concurrency;
  if (rate !== null) encoded.r = rate;
  if (breaker !== null) encoded.b = breaker;
  return JSON.stringify(encoded);
}

const NONE: FlowKeys = { group: null, concurrency: null, rate: null, breaker: null };

export function decodeFlowKeys(text: string | null): FlowKeys {
  if (text === null) return NONE;
  const { g, c, r, b } = JSON.parse(text) as { g?: string; c?: string; r?: string; b?: string };
  return { group: g ?? null, concurrency: c ?? null, rate: r ?? null, breaker: b ?? null };
}
