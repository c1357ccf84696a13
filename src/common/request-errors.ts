import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Codes for requests Node's HTTP parser refuses. They never reach the app (there is no request, only
 * a socket), so they are not domain codes: ErrorCode and ERROR_STATUS do not list them.
 */
export type ProtocolErrorCode = 'BAD_REQUEST' | 'HEADERS_TOO_LARGE' | 'REQUEST_TIMEOUT';

export interface ProtocolErrorBody {
  statusCode: number;
  code: ProtocolErrorCode;
  message: string;
}

/** Node's parser error codes (llhttp's HPE_*) that a client can do something about, in its words. */
const BAD_REQUEST_MESSAGES: Record<string, string> = {
  HPE_INVALID_HEADER_TOKEN: 'A header name or value holds a character HTTP does not allow, such as a NUL byte.',
  HPE_INVALID_CONTENT_LENGTH: 'Content-Length must be a whole number of bytes.',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Send Content-Length once.',
  HPE_INVALID_TRANSFER_ENCODING: 'Send either Content-Length or Transfer-Encoding, not both.',
  HPE_INVALID_URL: 'The address holds a character that must be %-encoded (a space or a non-ASCII character).',
  HPE_INVALID_CONSTANT: 'The request line is not "METHOD /address HTTP/1.1": a space in the address must be %-encoded.',
};

/** The contract's error body for a request the HTTP parser refused with `parserCode`. */
export function protocolErrorBody(parserCode: string | undefined): ProtocolErrorBody {
  if (parserCode === 'HPE_HEADER_OVERFLOW') return { statusCode: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large.' };
  if (parserCode === 'ERR_HTTP_REQUEST_TIMEOUT') return { statusCode: 408, code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive. Please try again.' };
  const message = (parserCode && BAD_REQUEST_MESSAGES[parserCode]) ?? 'The request is not valid HTTP/1.1.';
  return { statusCode: 400, code: 'BAD_REQUEST', message };
}

/** The whole response, written straight to the socket: the app's usual headers, and the connection closes. */
export function protocolErrorResponse(body: ProtocolErrorBody, headers: Record<string, string>, requestId: string): string {
  const json = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${body.statusCode} ${STATUS_CODES[body.statusCode]}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(json)}`,
    `x-request-id: ${requestId}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${json}`;
}

/**
 * Fastify's clientErrorHandler: what Node's `clientError` event gets (a request its parser refused,
 * or one that timed out). Fastify's default answers with its own body, not the contract's.
 */
export function protocolErrorHandler(headers: Record<string, string>): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // As Node does: never write into a response that has already started on this connection.
    const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inProgress?.headersSent) socket.write(protocolErrorResponse(protocolErrorBody(error.code), headers, randomUUID()));
    socket.destroy();
  };
}
