import type { FieldProblem } from './domain-error';

/** No request of the contract nests deeper than 4; a deeper body only exists to exhaust a recursive walker. */
export const MAX_JSON_DEPTH = 32;

/**
 * Half of a UTF-16 surrogate pair on its own, which JSON can write as a `\uD800` escape but which is
 * no character: stored, it became U+FFFD (so two different passwords matched), and validator.js's
 * IsEmail threw a URIError on it (500).
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Names every object already has (`constructor`, `toString`, `__proto__`, …) and `prototype`.
 * Nest's ValidationPipe deletes `constructor` and `prototype` keys before validating, and
 * class-transformer skips a key that names a function of the DTO, so such a key was dropped
 * silently instead of refused as an unknown field.
 */
const INHERITED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export const isInheritedName = (key: string): boolean => INHERITED_NAMES.has(key);

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone surrogate (a \\uD800-\\uDFFF escape without its pair)';
  return null;
}

/**
 * Problems with a parsed JSON body that the DTOs never get to see: nesting deep enough to overflow
 * the recursive validators (500 instead of 400), text PostgreSQL cannot store as sent (NUL
 * characters: 500 there, silently stored on SQLite; lone surrogates), and field names the
 * validation pipe would drop unseen. Iterative, so any depth is safe to inspect.
 */
export function jsonBodyProblem(body: unknown): FieldProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { field: path || 'body', problems: [`${path || 'body'} ${problem}`] };
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { field: path.split('.')[0] || 'body', problems: [`the body must not nest deeper than ${MAX_JSON_DEPTH} levels`] };
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { field: path || 'body', problems: [`field names ${keyProblem}`] };
      const childPath = path ? `${path}.${key}` : key;
      if (INHERITED_NAMES.has(key)) return { field: childPath, problems: [`property ${key} should not exist`] };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}
