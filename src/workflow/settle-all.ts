/**
 * Like Promise.all, but waits for every branch before it rejects. A branch that parks (waits for
 * its child) ends the attempt; with Promise.all the other branches could be cut off before they
 * recorded their own steps, while a later branch had already recorded its step as done. The
 * replay, which reaches the branches in order, would then meet a new step before a recorded one
 * and call it a divergence. Waiting for all records every branch's step. A real failure wins over
 * a park, so a failed child fails the run at once.
 */
export async function settleAll<T>(branches: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(branches);
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  const failure = rejected.find((reason) => (reason as { code?: unknown })?.code !== 'snoozed') ?? rejected[0];
  if (rejected.length > 0) throw failure;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
