import { z } from 'zod';
import { parseDuration } from './duration.js';
import { ValidationError } from './errors.js';

/** What a run may spend. Every limit is optional; `onBreach` says what happens when one is passed. */
export interface Budget {
  tokens?: number;
  costUsd?: number;
  wallTimeMs?: number;
  steps?: number;
  onBreach: 'fail' | 'cancel' | 'pause';
}

export interface Usage {
  tokens: number;
  costUsd: number;
}

export interface BudgetInput {
  tokens?: number;
  costUsd?: number;
  wallTime?: number | string;
  steps?: number;
  onBreach?: 'fail' | 'cancel' | 'pause';
}

const schema = z
  .object({
    tokens: z.number().nonnegative(),
    costUsd: z.number().nonnegative(),
    wallTime: z.union([z.number(), z.string()]),
    steps: z.number().int().positive(),
    onBreach: z.enum(['fail', 'cancel', 'pause']),
  })
  .partial()
  .strict();

export function compileBudget(input: BudgetInput): Budget {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `expected budget${issue?.path.length ? `.${issue.path.join('.')}` : ''} to be { tokens, costUsd, wallTime, steps, onBreach: fail|cancel|pause }, got ${JSON.stringify(input)}`,
    );
  }
  const b = parsed.data;
  return {
    ...(b.tokens !== undefined && { tokens: b.tokens }),
    ...(b.costUsd !== undefined && { costUsd: b.costUsd }),
    ...(b.wallTime !== undefined && { wallTimeMs: parseDuration(b.wallTime, 'budget.wallTime') }),
    ...(b.steps !== undefined && { steps: b.steps }),
    onBreach: b.onBreach ?? 'fail',
  };
}

/** The first limit the spending passes, described for an error message; null while within budget. */
export function budgetBreach(budget: Budget, spent: Usage & { wallTimeMs: number; steps: number }): string | null {
  if (budget.tokens !== undefined && spent.tokens > budget.tokens) return `tokens ${spent.tokens} of ${budget.tokens}`;
  if (budget.costUsd !== undefined && spent.costUsd > budget.costUsd) return `cost $${spent.costUsd.toFixed(4)} of $${budget.costUsd}`;
  if (budget.wallTimeMs !== undefined && spent.wallTimeMs > budget.wallTimeMs) return `wall time ${spent.wallTimeMs}ms of ${budget.wallTimeMs}ms`;
  if (budget.steps !== undefined && spent.steps > budget.steps) return `steps ${spent.steps} of ${budget.steps}`;
  return null;
}

/** Splits a budget across `weights.length` children in proportion to their weights. */
export function splitBudget(budget: Budget, weights: readonly number[]): Budget[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0) || weights.some((w) => !(w >= 0))) throw new ValidationError(`expected budget weights to be non-negative numbers with a positive sum, got ${JSON.stringify(weights)}`);
  return weights.map((w) => {
    const share = w / total;
    return {
      ...(budget.tokens !== undefined && { tokens: Math.floor(budget.tokens * share) }),
      ...(budget.costUsd !== undefined && { costUsd: budget.costUsd * share }),
      ...(budget.wallTimeMs !== undefined && { wallTimeMs: budget.wallTimeMs }),
      ...(budget.steps !== undefined && { steps: Math.max(1, Math.floor(budget.steps * share)) }),
      onBreach: budget.onBreach,
    };
  });
}
