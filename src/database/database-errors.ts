/** Recognises unique-constraint violations from either driver, and which columns or index they hit. */
export function uniqueViolation(error: unknown): string | null {
  const driverError = (error as { driverError?: { code?: string; constraint?: string; detail?: string; message?: string } })?.driverError;
  if (!driverError) return null;
  if (driverError.code === '23505') return `${driverError.constraint ?? ''} ${driverError.detail ?? ''}`;
  const message = driverError.message ?? '';
  if (driverError.code === 'SQLITE_CONSTRAINT' && message.includes('UNIQUE constraint failed')) return message;
  return null;
}

export function isCheckViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; message?: string } })?.driverError;
  if (!driverError) return false;
  return driverError.code === '23514' || (driverError.code === 'SQLITE_CONSTRAINT' && (driverError.message ?? '').includes('CHECK constraint failed'));
}
