import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { BodyShapeGuard } from './common/body-shape.guard';
import { PlainNumbersPipe } from './common/params';
import { installRequestLogging } from './common/request-logging';
import { installSecurityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';

/**
 * Global pipes, filters and plugins, shared by main.ts and every e2e test. Nest routes Fastify's
 * own errors (malformed JSON, body too large) through the same global filter.
 */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const fastify = app.getHttpAdapter().getInstance();
  installRequestLogging(fastify, app.get<AppConfig>(APP_CONFIG).logRequests);
  installSecurityHeaders(fastify);
  // In this order: numbers are checked as written before the validation pipe converts them.
  app.useGlobalPipes(new PlainNumbersPipe(), createValidationPipe());
  app.useGlobalGuards(new BodyShapeGuard());
  app.useGlobalFilters(new AllExceptionsFilter());
  // Exit 0 once shut down (Nest would re-raise the signal); GracefulShutdown closes HTTP before the other hooks run.
  app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}
