import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DomainError } from './domain-error';

/**
 * The body rules the DTOs cannot enforce. A route without a body (cancel, express, counter actions,
 * clearing an override) would otherwise ignore whatever is sent and act: unknown fields are to be
 * rejected, never silently dropped, so such a route accepts no body or `{}`. A route with a body
 * needs a JSON object: `null` would otherwise be validated as `{}` and accepted where every field is optional.
 * A guard rather than an interceptor: it runs before any work, and Nest's interceptor chain costs
 * measurable time on every request.
 */
@Injectable()
export class BodyShapeGuard implements CanActivate {
  private readonly takesBody = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const { body } = context.switchToHttp().getRequest<{ body?: unknown }>();
    if (body === undefined) return true;
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
    if (this.routeTakesBody(context)) {
      if (body === null) throw new DomainError('VALIDATION_FAILED', 'The request body must be a JSON object.', { details: [{ field: 'body', problems: ['must be a JSON object'] }] });
    } else if (!isObject || Object.keys(body).length > 0) {
      throw new DomainError('VALIDATION_FAILED', 'This request takes no body.', { details: [{ field: 'body', problems: ['must be empty'] }] });
    }
    return true;
  }

  private routeTakesBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.takesBody.get(handler);
    if (known === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      known = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
      this.takesBody.set(handler, known);
    }
    return known;
  }
}
