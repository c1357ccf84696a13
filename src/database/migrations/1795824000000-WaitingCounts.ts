import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite only: how many tickets wait in each office-day's queue, kept by triggers in the same
 * transaction as every change to a ticket, like an index. A kiosk check-in's place in a long queue
 * is then this count less the few waiting behind it, instead of a count of everyone ahead (an
 * index range scan as long as the queue, on the one writer's critical path). See
 * docs/decisions.md, "Check-in positions".
 *
 * Not on PostgreSQL: there every check-in and call of an office would wait on this one row's lock
 * until its transaction commits, and positions are counted by many connections in parallel.
 */
export class WaitingCounts1795824000000 implements MigrationInterface {
  name = 'WaitingCounts1795824000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'sqlite') return;
    await queryRunner.query(`
      CREATE TABLE waiting_counts (
        "officeCode" varchar(20) NOT NULL,
        "serviceDate" varchar(10) NOT NULL,
        waiting integer NOT NULL CHECK (waiting >= 0),
        PRIMARY KEY ("officeCode", "serviceDate")
      ) WITHOUT ROWID`);
    await queryRunner.query(`
      INSERT INTO waiting_counts ("officeCode", "serviceDate", waiting)
      SELECT "officeCode", "serviceDate", COUNT(*) FROM tickets WHERE status = 'WAITING' GROUP BY "officeCode", "serviceDate"`);

    const join = `
      INSERT INTO waiting_counts ("officeCode", "serviceDate", waiting) VALUES (NEW."officeCode", NEW."serviceDate", 1)
      ON CONFLICT ("officeCode", "serviceDate") DO UPDATE SET waiting = waiting + 1;`;
    const leave = `
      UPDATE waiting_counts SET waiting = waiting - 1 WHERE "officeCode" = OLD."officeCode" AND "serviceDate" = OLD."serviceDate";`;
    const moved = `(NEW."officeCode" <> OLD."officeCode" OR NEW."serviceDate" <> OLD."serviceDate")`;

    await queryRunner.query(`CREATE TRIGGER tickets_waiting_insert AFTER INSERT ON tickets WHEN NEW.status = 'WAITING' BEGIN ${join} END`);
    await queryRunner.query(`CREATE TRIGGER tickets_waiting_delete AFTER DELETE ON tickets WHEN OLD.status = 'WAITING' BEGIN ${leave} END`);
    await queryRunner.query(`
      CREATE TRIGGER tickets_waiting_leave AFTER UPDATE OF status, "officeCode", "serviceDate" ON tickets
      WHEN OLD.status = 'WAITING' AND (NEW.status <> 'WAITING' OR ${moved}) BEGIN ${leave} END`);
    await queryRunner.query(`
      CREATE TRIGGER tickets_waiting_join AFTER UPDATE OF status, "officeCode", "serviceDate" ON tickets
      WHEN NEW.status = 'WAITING' AND (OLD.status <> 'WAITING' OR ${moved}) BEGIN ${join} END`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'sqlite') return;
    for (const trigger of ['tickets_waiting_insert', 'tickets_waiting_delete', 'tickets_waiting_leave', 'tickets_waiting_join']) {
      await queryRunner.query(`DROP TRIGGER ${trigger}`);
    }
    await queryRunner.query(`DROP TABLE waiting_counts`);
  }
}
