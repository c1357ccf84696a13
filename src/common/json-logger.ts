import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

/** 16 consecutive digits (a NIK) anywhere in a message is masked before it is written. */
const NIK_LIKE = /\b(\d{4})\d{8}(\d{4})\b/g;

/**
 * One JSON object per line: level, time, context, message, and for a line about a request its id
 * (see withRequestId). NIK-shaped numbers are masked; passwords and tokens are never passed to the logger.
 */
export class JsonLogger extends ConsoleLogger {
  constructor() {
    super({ json: true, colors: false });
  }

  protected override getJsonLogObject(message: unknown, options: { context: string; logLevel: LogLevel; writeStreamType?: 'stdout' | 'stderr'; errorStack?: unknown }) {
    const object = super.getJsonLogObject(typeof message === 'string' ? message.replace(NIK_LIKE, '$1********$2') : message, options);
    const requestId = currentRequestId();
    return requestId ? { ...object, requestId } : object;
  }
}
