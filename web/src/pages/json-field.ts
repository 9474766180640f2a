import { ApiError } from '../api';

/** Parses a JSON text field, or throws an error naming the field and where the JSON broke. */
export function parseJsonField(text: string, field: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(0, 'invalid_input', `expected ${field} to be JSON: ${(error as Error).message}`);
  }
}
