import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { TaskwrightError, ValidationError } from '../core/errors.js';

/** A JSON Schema (draft 2020-12 subset that Ajv supports by default: draft-07 keywords and more). */
export type JsonSchema = Record<string, unknown> | boolean;

// One validator for the process: Ajv compiles each schema to a function once.
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: JsonSchema, what: string): ValidateFunction {
  const key = typeof schema === 'object' && schema !== null ? schema : { const: schema };
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(typeof schema === 'boolean' ? schema : schema);
    } catch (error) {
      throw new ValidationError(`expected the output schema of ${what} to be a valid JSON Schema: ${(error as Error).message}`);
    }
    compiled.set(key, validate);
  }
  return validate;
}

const describe = (e: ErrorObject): string => `at ${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : ''}`;

/**
 * Compiles `schema` now (a bad schema fails when the workflow is defined) and returns a check that
 * throws naming `what` (e.g. `node "score"`) and the failing path. The error is retryable like any
 * step failure (a step's retry policy applies: a model's malformed answer may be fine next time).
 */
export function outputValidator(schema: JsonSchema, what: string): (output: unknown) => void {
  const validate = compile(schema, what);
  return (output) => {
    if (validate(output === undefined ? null : output)) return;
    const errors = (validate.errors ?? []).slice(0, 3).map(describe).join('; ');
    throw new TaskwrightError('output_invalid', `${what} output does not match its schema ${errors}`, { path: validate.errors?.[0]?.instancePath ?? '' });
  };
}
