import { Appointment } from '../appointments/appointment.entity';
import { ExpressRequest } from '../appointments/express-request.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { User } from '../auth/user.entity';
import { IdempotencyRecord } from '../common/idempotency-record.entity';
import { Office } from '../offices/office.entity';
import { Slot } from '../offices/slot.entity';
import { Counter } from '../queue/counter.entity';
import { DailySequence } from '../queue/daily-sequence.entity';
import { Ticket } from '../queue/ticket.entity';
import { ReconciliationItem } from '../reconciliation/reconciliation-item.entity';
import { ServiceModeChange } from '../service-modes/service-mode-change.entity';
import { ServiceMode } from '../service-modes/service-mode.entity';

export const ENTITIES = [
  User,
  AuditEntry,
  Office,
  Slot,
  Counter,
  Appointment,
  ExpressRequest,
  Ticket,
  DailySequence,
  ServiceMode,
  ServiceModeChange,
  ReconciliationItem,
  IdempotencyRecord,
];
