import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A username is one account whatever its case: staff who sign in as "Siti" or "siti" mean the same
 * person, and "Admin" beside "admin" would be two accounts nobody can tell apart in the audit log.
 * Names are kept as typed; the unique index on their lower-case form stops a second account that
 * differs only in case (also when two admins create them at once) and serves the sign-in's look-up.
 * Usernames are ASCII (the API's pattern), where SQLite's and PostgreSQL's `lower` agree.
 */
export class UsernamesIgnoreCase1796256000000 implements MigrationInterface {
  name = 'UsernamesIgnoreCase1796256000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const clashes: { folded: string }[] = await queryRunner.query(`SELECT lower(username) AS folded FROM users GROUP BY lower(username) HAVING COUNT(*) > 1`);
    if (clashes.length > 0) {
      throw new Error(
        `These usernames exist more than once in different cases: ${clashes.map((c) => c.folded).join(', ')}. ` +
          'Rename all but one of each (UPDATE users SET username = ...) and start again.',
      );
    }
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_users_username_folded" ON users (lower(username))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_users_username_folded"`);
  }
}
