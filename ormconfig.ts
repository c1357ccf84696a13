import { DataSource } from 'typeorm';
import { loadConfig } from './config/configuration';
import { typeOrmOptions } from './src/database/typeorm-options';

/** The DataSource the TypeORM CLI uses: `npm run migration:run`, `npm run migration:generate -- src/database/migrations/Name`. */
export default new DataSource({ ...typeOrmOptions(loadConfig()), migrationsRun: false });
