import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './all-exceptions.filter';
import { JsonLogger } from './json-logger';
import { currentRequestId, withRequestId } from './request-context';

/** The JSON lines a JsonLogger writes while `act` runs. */
function linesWrittenBy(act: (logger: JsonLogger) => void): Array<Record<string, unknown>> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    act(new JsonLogger());
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('request ids in log lines', () => {
  it('gives the lines written inside withRequestId that id, and no id to lines outside it, nested or not', () => {
    const lines = linesWrittenBy((logger) => {
      logger.log('before', 'Test');
      withRequestId('outer-id', () => {
        logger.log('outer', 'Test');
        withRequestId('inner-id', () => logger.log('inner', 'Test'));
        logger.log('outer again', 'Test');
      });
      logger.log('after', 'Test');
    });
    expect(lines.map((l) => [l.message, l.requestId])).toEqual([
      ['before', undefined],
      ['outer', 'outer-id'],
      ['inner', 'inner-id'],
      ['outer again', 'outer-id'],
      ['after', undefined],
    ]);
    expect(currentRequestId()).toBeUndefined();
  });

  it('restores the outer id when the logging throws', () => {
    expect(() =>
      withRequestId('id-1', () => {
        throw new Error('a logger failed');
      }),
    ).toThrow('a logger failed');
    expect(currentRequestId()).toBeUndefined();
  });

  it('writes the error line of a request that failed with the request’s id', () => {
    const reply = { hasHeader: () => true, header: jest.fn().mockReturnThis(), status: jest.fn().mockReturnThis(), send: jest.fn().mockReturnThis() };
    const request = { id: 'req-500', method: 'GET', routeOptions: { url: '/offices' } };
    const lines = linesWrittenBy((logger) =>
      sendError(reply as unknown as FastifyReply, request as unknown as FastifyRequest, new Error('the disk is gone'), logger as unknown as Logger),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', requestId: 'req-500' });
    expect(reply.status).toHaveBeenCalledWith(500);
  });
});
