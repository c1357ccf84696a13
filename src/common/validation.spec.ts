import { ArgumentMetadata } from '@nestjs/common';
import { CheckInDto, WalkInDto } from '../queue/dto/queue.dto';
import { DomainError } from './domain-error';
import { createValidationPipe } from './validation';

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype, data: undefined });

describe('createValidationPipe: empty bodies', () => {
  it('accepts `{}` for a DTO whose fields are all optional, with a fresh instance each time and class-validator run once', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: (...args: unknown[]) => unknown }, 'validate');
    const first = await pipe.transform({}, body(CheckInDto));
    const second = await pipe.transform({}, body(CheckInDto));
    expect(first).toBeInstanceOf(CheckInDto);
    expect(second).toBeInstanceOf(CheckInDto);
    expect(second).not.toBe(first);
    expect({ ...(second as object) }).toEqual({});
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('refuses `{}` for a DTO with required fields every time, with the per-field details', async () => {
    const pipe = createValidationPipe();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = (await pipe.transform({}, body(WalkInDto)).catch((e: unknown) => e)) as DomainError;
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.extras.details?.map((d) => d.field).sort()).toEqual(['applicant', 'serviceType']);
    }
  });

  it('still validates a body that is not empty, after an empty one passed', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({}, body(CheckInDto));
    expect(await pipe.transform({ priority: true }, body(CheckInDto))).toEqual(Object.assign(new CheckInDto(), { priority: true }));
    await expect(pipe.transform({ priority: 'yes' }, body(CheckInDto))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(pipe.transform({ unknown: 1 }, body(CheckInDto))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('leaves an object that is not a plain `{}` to the full pipe', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: (...args: unknown[]) => unknown }, 'validate');
    await pipe.transform({}, body(CheckInDto));
    expect(validate).toHaveBeenCalledTimes(1);
    await expect(pipe.transform(Object.create({ priority: 'inherited' }), body(CheckInDto))).resolves.toBeInstanceOf(CheckInDto);
    expect(validate).toHaveBeenCalledTimes(2);
    await expect(pipe.transform([], body(CheckInDto))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
