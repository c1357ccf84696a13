import { Injectable } from '@nestjs/common';

/** Where "now" comes from. Tests replace it to stand anywhere in the day. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
