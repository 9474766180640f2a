/**
 * URL of a sibling module, matching the caller's own extension: `.js` when running the built
 * package, `.ts` when running sources under a TypeScript loader (tests).
 */
export function siblingModule(importMetaUrl: string, baseName: string): URL {
  const extension = importMetaUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${baseName}${extension}`, importMetaUrl);
}
