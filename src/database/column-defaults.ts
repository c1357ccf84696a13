/**
 * The default of the boolean columns, as the initial migration wrote it (`DEFAULT (false)`).
 * Declared as `false`, TypeORM would compare SQLite's `0` with the stored `false`, see a change,
 * and `migration:generate` would rebuild those tables, dropping the triggers on `tickets`.
 */
export const FALSE_DEFAULT = (): string => 'false';
