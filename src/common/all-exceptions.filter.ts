import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailable } from '../database/database-errors';
import { DomainError, ErrorCode, FieldProblem } from './domain-error';
import { ERROR_STATUS } from './error-status';
import { withRequestId } from './request-context';
import { securityHeaders } from './security-headers';

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: FieldProblem[];
}

const SECURITY_HEADERS = securityHeaders();

const CODE_FOR_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

const FRIENDLY: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'There is nothing at this address.',
  UNAUTHENTICATED: 'Sign in first: send a valid Bearer token.',
  FORBIDDEN: 'You are not allowed to do this.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the body as application/json.',
  MALFORMED_JSON: 'The request body is not valid JSON.',
  TOO_MANY_REQUESTS: 'Too many requests. Wait a moment and try again.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
};

/** The database cannot be reached or cannot write (a server restarting, a full disk): the client may retry soon. */
const DATABASE_UNAVAILABLE = 'The service cannot reach its database right now. Please try again in a minute.';
const DATABASE_RETRY_AFTER_SECONDS = 30;

/** What Fastify's router refuses before any route runs (see createFastifyAdapter). */
const ROUTER_REFUSALS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The address is not valid: it holds a broken %-escape.',
  FST_ERR_MAX_PARAM_LENGTH: 'A part of the address is too long (at most 100 characters).',
};

/** Fastify's own errors (body parsing, limits) carry a code and a statusCode. */
function fastifyError(error: unknown): { statusCode: number; code: string } | null {
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'string' && e.code.startsWith('FST_') && typeof e.statusCode === 'number') {
    return { statusCode: e.statusCode, code: e.code };
  }
  return null;
}

/** Turns anything thrown into the contract's error body. Never leaks a stack trace or SQL. */
export function toErrorBody(error: unknown): { body: ErrorBody; retryAfterSeconds?: number } {
  if (error instanceof DomainError) {
    const body: ErrorBody = { statusCode: ERROR_STATUS[error.code], code: error.code, message: error.message };
    if (error.extras.details) body.details = error.extras.details;
    return { body, retryAfterSeconds: error.extras.retryAfterSeconds };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 400 && /JSON/.test(error.message)) return { body: { statusCode: 400, code: 'MALFORMED_JSON', message: FRIENDLY.MALFORMED_JSON! } };
    const code = CODE_FOR_HTTP_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
    const message = FRIENDLY[code] ?? (status < 500 ? error.message : FRIENDLY.INTERNAL!);
    return { body: { statusCode: status >= 500 && status !== 503 ? 500 : status, code, message } };
  }
  const fst = fastifyError(error);
  if (fst && fst.statusCode < 500) {
    if (fst.statusCode === 413) return { body: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: FRIENDLY.PAYLOAD_TOO_LARGE! } };
    if (fst.statusCode === 415) return { body: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: FRIENDLY.UNSUPPORTED_MEDIA_TYPE! } };
    if (fst.code.includes('JSON') || fst.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return { body: { statusCode: 400, code: 'MALFORMED_JSON', message: FRIENDLY.MALFORMED_JSON! } };
    }
    const refusal = ROUTER_REFUSALS[fst.code];
    // Like every VALIDATION_FAILED, with the field at fault: here the address itself.
    if (refusal) return { body: { statusCode: fst.statusCode, code: 'VALIDATION_FAILED', message: refusal, details: [{ field: 'url', problems: [refusal] }] } };
    const code = CODE_FOR_HTTP_STATUS[fst.statusCode] ?? 'VALIDATION_FAILED';
    return { body: { statusCode: fst.statusCode, code, message: FRIENDLY[code] ?? 'The request could not be understood.' } };
  }
  if (databaseUnavailable(error)) {
    return { body: { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: DATABASE_UNAVAILABLE }, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS };
  }
  return { body: { statusCode: 500, code: 'INTERNAL', message: FRIENDLY.INTERNAL! } };
}

export function sendError(reply: FastifyReply, request: FastifyRequest | undefined, error: unknown, logger: Logger): void {
  const { body, retryAfterSeconds } = toErrorBody(error);
  // Ours to look into: a fault, or the database out of reach (not a 503 the app decided, such as a mode's).
  if (body.code === 'INTERNAL' || (body.statusCode === 503 && !(error instanceof DomainError) && !(error instanceof HttpException))) {
    const err = error as Error;
    const log = () => logger.error(`request ${request?.id ?? '-'} ${request?.method ?? ''} ${request?.routeOptions?.url ?? ''} failed: ${err?.stack ?? String(error)}`);
    if (request) withRequestId(request.id, log);
    else log();
  }
  // Refused before the app's onRequest hooks ran (by the router, or by a check in fastify-adapter.ts):
  // the headers every answer carries are not set yet.
  if (request && !reply.hasHeader('x-request-id')) void reply.headers(SECURITY_HEADERS).header('x-request-id', request.id);
  if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(retryAfterSeconds));
  void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>(), error, this.logger);
  }
}
