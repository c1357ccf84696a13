import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';
import { TicketsQueueIndex1764892800000 } from './1764892800000-TicketsQueueIndex';
import { WaitingCounts1795824000000 } from './1795824000000-WaitingCounts';
import { CompletedTicketsIndex1795910400000 } from './1795910400000-CompletedTicketsIndex';
import { DropPlainNikIndex1795996800000 } from './1795996800000-DropPlainNikIndex';
import { OfficeDayClose1796083200000 } from './1796083200000-OfficeDayClose';
import { ExpressReleaseIndex1796169600000 } from './1796169600000-ExpressReleaseIndex';
import { UsernamesIgnoreCase1796256000000 } from './1796256000000-UsernamesIgnoreCase';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [InitialSchema1764201600000, TicketsQueueIndex1764892800000, WaitingCounts1795824000000, CompletedTicketsIndex1795910400000, DropPlainNikIndex1795996800000, OfficeDayClose1796083200000, ExpressReleaseIndex1796169600000, UsernamesIgnoreCase1796256000000];
