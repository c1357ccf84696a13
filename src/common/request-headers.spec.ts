import { repeatedSingleValueHeader } from './request-headers';

describe('repeatedSingleValueHeader', () => {
  it.each([
    [['Idempotency-Key', 'k-one', 'Idempotency-Key', 'k-two'], 'Idempotency-Key'],
    [['idempotency-key', 'k', 'IDEMPOTENCY-KEY', 'k'], 'Idempotency-Key'],
    [['X-Applicant-NIK', '3174010101850001', 'Host', 'x', 'x-applicant-nik', '3174010101850001'], 'X-Applicant-NIK'],
    [['If-Match', '"1"', 'If-Match', '"1"'], 'If-Match'],
    [['Authorization', 'Bearer a', 'authorization', 'Bearer b'], 'Authorization'],
    [['Content-Type', 'application/json', 'Content-Type', 'text/plain'], 'Content-Type'],
  ])('names a single-value header sent twice: %j', (rawHeaders, name) => {
    expect(repeatedSingleValueHeader(rawHeaders)).toBe(name);
  });

  it.each([
    [[]],
    [['Host', 'a', 'Idempotency-Key', 'k', 'If-Match', '"1"', 'X-Applicant-NIK', '3174010101850001', 'Authorization', 'Bearer a', 'Content-Type', 'application/json']],
    // Headers the app does not read as one value may repeat, as HTTP allows.
    [['Accept', 'application/json', 'Accept', 'text/plain', 'Cookie', 'a=1', 'Cookie', 'b=2']],
  ])('passes one line of each: %j', (rawHeaders) => {
    expect(repeatedSingleValueHeader(rawHeaders)).toBeUndefined();
  });
});
