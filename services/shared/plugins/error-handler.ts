import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { HttpError } from '../errors.ts';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: { keys?: string[] };
}

/** `body.items.0.quantity`-style name of the field an issue is about; unknown keys are named too. */
function fieldOf(context: string, issue: ValidationIssue): string {
  const path = issue.instancePath.split('/').filter(Boolean);
  const keys = issue.keyword === 'unrecognized_keys' ? (issue.params?.keys ?? []) : [];
  const at = [context, ...path].join('.');
  return keys.length > 0 ? keys.map((k) => `${at}.${k}`).join(', ') : at;
}

/**
 * The one error handler: a 4xx names what was wrong (the field for bad input), a 5xx says only that
 * it failed and under which request id, and its stack goes to the log, never to the client.
 */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) {
        const context = error.validationContext ?? 'body';
        const issues = error.validation.map((issue) => ({
          field: fieldOf(context, issue as ValidationIssue),
          message: issue.message ?? 'invalid',
        }));
        const first = issues[0]!;
        return reply.code(400).send({
          error: 'bad_request',
          message: `${first.field}: ${first.message}`,
          details: { field: first.field, issues },
        });
      }
      if (error instanceof HttpError) {
        reply.headers(error.headers);
        return reply.code(error.statusCode).send({
          error: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        });
      }
      const status = error.statusCode ?? 500;
      if (status < 500 && !isResponseSerializationError(error)) {
        // Fastify's own client errors (bad JSON, body too large, wrong content type) and plugins'.
        request.log.info({ err: { code: error.code, message: error.message } }, 'client error');
        return reply.code(status).send({
          error: (error.code ?? 'bad_request').toLowerCase(),
          message: error.message,
        });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.code(status >= 500 && status !== 500 ? status : 500).send({
        error: 'internal_error',
        message: `the request failed; quote request id ${request.id} to the operators`,
      });
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
    );
  },
  { name: 'error-handler' },
);
