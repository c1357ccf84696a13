import type { FieldProblem } from './domain-error';

/** No request of the contract nests deeper than 4; a deeper body only exists to exhaust a recursive walker. */
export const MAX_JSON_DEPTH = 32;

/**
 * Problems with a parsed JSON body that the DTOs never get to see: nesting deep enough to overflow
 * the recursive validators (500 instead of 400), and NUL characters, which PostgreSQL cannot store
 * in text (500 there, silently stored on SQLite). Iterative, so any depth is safe to inspect.
 */
export function jsonBodyProblem(body: unknown): FieldProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { field: path || 'body', problems: [`${path || 'body'} must not contain NUL characters`] };
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { field: path.split('.')[0] || 'body', problems: [`the body must not nest deeper than ${MAX_JSON_DEPTH} levels`] };
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return { field: path || 'body', problems: ['field names must not contain NUL characters'] };
      stack.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return null;
}
