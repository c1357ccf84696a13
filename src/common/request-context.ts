import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being served, for log lines written anywhere below it. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();
