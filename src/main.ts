import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigValidationError, loadConfig } from '../config/configuration';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { JsonLogger } from './common/json-logger';
import { setupOpenApi } from './docs/openapi';
import { createFastifyAdapter } from './fastify-adapter';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = config.logFormat === 'json' ? new JsonLogger() : new ConsoleLogger();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createFastifyAdapter(config), { logger, abortOnError: false });
  await configureApp(app);
  // Not in configureApp: Swagger UI's static files need @fastify/static, whose ESM dependencies
  // Jest cannot load. test/deployment-docs.e2e-spec.ts checks /docs on the real process.
  setupOpenApi(app);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  const url = `http://localhost:${config.port}`;
  const where = config.database.type === 'sqlite' ? `SQLite file ${config.database.path}` : 'PostgreSQL';
  new Logger('Startup').log(`Passport queue manager is serving on ${url} (${where}). Offices: ${url}/offices  Status: ${url}/service-modes  API docs: ${url}/docs`);
}

bootstrap().catch((error: unknown) => {
  console.error(`Start-up failed: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
