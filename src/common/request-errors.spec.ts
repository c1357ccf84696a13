import { protocolErrorBody, protocolErrorResponse } from './request-errors';

describe('protocolErrorBody', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'HEADERS_TOO_LARGE'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'REQUEST_TIMEOUT'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'BAD_REQUEST'],
    ['HPE_INVALID_CONTENT_LENGTH', 400, 'BAD_REQUEST'],
    ['HPE_INVALID_TRANSFER_ENCODING', 400, 'BAD_REQUEST'],
    ['HPE_INVALID_URL', 400, 'BAD_REQUEST'],
    ['HPE_INVALID_METHOD', 400, 'BAD_REQUEST'],
    ['SOMETHING_NEW', 400, 'BAD_REQUEST'],
    [undefined, 400, 'BAD_REQUEST'],
  ])('answers %p with %p %p and a sentence', (parserCode, statusCode, code) => {
    const body = protocolErrorBody(parserCode);
    expect(body).toEqual({ statusCode, code, message: expect.stringMatching(/\.$/) });
  });
});

describe('protocolErrorResponse', () => {
  it('is a complete HTTP/1.1 response with the contract body, the given headers and the request id, closing the connection', () => {
    const text = protocolErrorResponse(protocolErrorBody('HPE_HEADER_OVERFLOW'), { 'x-content-type-options': 'nosniff' }, 'req-1');
    const [head, json] = text.split('\r\n\r\n');
    const [statusLine, ...lines] = head.split('\r\n');
    expect(statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(lines).toEqual(
      expect.arrayContaining([
        'content-type: application/json; charset=utf-8',
        `content-length: ${Buffer.byteLength(json)}`,
        'x-request-id: req-1',
        'x-content-type-options: nosniff',
        'connection: close',
      ]),
    );
    expect(JSON.parse(json)).toEqual({ statusCode: 431, code: 'HEADERS_TOO_LARGE', message: expect.any(String) });
  });
});
