import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [InitialSchema1764201600000];
