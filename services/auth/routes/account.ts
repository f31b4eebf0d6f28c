import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorReply, HttpError, notFound, unauthorized } from '../../shared/index.ts';
import type { AuthDeps } from '../deps.ts';
import { checkPasswordStrength } from '../passwords.ts';
import type { AuditEntry } from '../repositories/audit-repository.ts';
import {
  acceptedReply,
  doneReply,
  loginBody,
  meReply,
  refreshBody,
  registerBody,
  tokensReply,
} from '../schemas/account.ts';
import { utcDatetime } from '../secrets.ts';
import { createAttemptLimits } from './attempt-limits.ts';

/** One message for an unknown e-mail, a wrong password, and a locked account's wrong password. */
const invalidCredentials = () =>
  new HttpError(401, 'invalid_credentials', 'the e-mail or the password is wrong');

const REGISTERED: { status: 'accepted'; message: string } = {
  status: 'accepted',
  message: 'if this e-mail can be registered, the account is ready: log in with it',
};

function client(request: FastifyRequest): Pick<AuditEntry, 'ip' | 'userAgent'> {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

/** Register, login, refresh, logout and /me (DESIGN.md 3.6). */
export async function accountRoutes(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const { settings, users, audit, sessions, passwords } = deps;
  const limitAttempts = createAttemptLimits(
    app,
    settings.RATE_LIMIT_PER_ADDRESS,
    settings.RATE_LIMIT_PER_ACCOUNT,
  );
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/register',
    {
      schema: {
        tags: ['account'],
        summary: 'Create a customer account (the same answer whether or not the e-mail was taken)',
        body: registerBody,
        response: { 202: acceptedReply, 400: errorReply, 429: errorReply },
      },
    },
    async (request, reply) => {
      const { email, password, fullName } = request.body;
      const record = (outcome: string | undefined, userId?: string) =>
        audit.record({
          event: 'register',
          email,
          userId,
          success: outcome === undefined,
          ...(outcome ? { outcome } : {}),
          ...client(request),
        });
      await limitAttempts(request, (why) => record(why));
      checkPasswordStrength(password, settings.PASSWORD_MIN_LENGTH);
      // Hash first in both cases: a taken e-mail answers as slowly as a new one.
      const hash = await passwords.hash(password);
      const id = await users.create({
        email,
        passwordHash: hash,
        fullName: fullName ?? '',
        roles: ['customer'],
      });
      await record(id ? undefined : 'email_taken', id);
      return reply.code(202).send(REGISTERED);
    },
  );

  r.post(
    '/login',
    {
      schema: {
        tags: ['account'],
        summary: 'Exchange e-mail and password for an access token and a refresh token',
        body: loginBody,
        response: {
          200: tokensReply,
          400: errorReply,
          401: errorReply,
          403: errorReply,
          423: errorReply,
          429: errorReply,
        },
      },
    },
    async (request) => {
      const { email, password } = request.body;
      const user = await users.byEmail(email);
      const record = (outcome: string | undefined) =>
        audit.record({
          event: 'login',
          email,
          userId: user?.id,
          success: outcome === undefined,
          ...(outcome ? { outcome } : {}),
          ...client(request),
        });
      await limitAttempts(request, record);
      const usable = user !== undefined && user.status !== 'deleted';
      const correct = await passwords.verify(usable ? user.passwordHash : undefined, password);
      if (!usable || !correct) {
        if (usable && user.status === 'active') {
          const lockUntil = utcDatetime(settings.LOCKOUT_MINUTES * 60_000);
          const locked = await users.recordFailure(user.id, settings.LOCKOUT_AFTER_FAILURES, lockUntil);
          await record(locked ? 'wrong_password_locked' : 'wrong_password');
        } else {
          await record(usable ? `wrong_password_${user.status}` : 'unknown_account');
        }
        throw invalidCredentials();
      }
      // Only someone who knows the password learns the account's state.
      if (user.status === 'disabled') {
        await record('disabled');
        throw new HttpError(403, 'account_disabled', 'this account is disabled; contact support');
      }
      if (user.status === 'locked' && (user.lockedUntil === null || user.lockedUntil > utcDatetime())) {
        await record('locked');
        throw new HttpError(
          423,
          'account_locked',
          `this account is locked after repeated failed logins${user.lockedUntil ? ` until ${user.lockedUntil} UTC` : ''}; reset the password to unlock it now`,
        );
      }
      await users.recordSuccess(user.id);
      const tokens = await sessions.start(user.id);
      await record(undefined);
      return tokens;
    },
  );

  r.post(
    '/refresh',
    {
      schema: {
        tags: ['account'],
        summary: 'Swap a refresh token for new tokens (the old one stops working)',
        body: refreshBody,
        response: { 200: tokensReply, 400: errorReply, 401: errorReply },
      },
    },
    async (request) => {
      try {
        const { userId, ...tokens } = await sessions.refresh(request.body.refreshToken, (userId) => {
          request.log.warn({ userId }, 'refresh token reused: its family is revoked');
          void audit
            .record({
              event: 'refresh',
              email: '',
              userId,
              success: false,
              outcome: 'reuse_detected',
              ...client(request),
            })
            .catch((error: unknown) => request.log.error({ err: error }, 'audit failed'));
        });
        await audit.record({ event: 'refresh', email: '', userId, success: true, ...client(request) });
        return tokens;
      } catch (error) {
        if (error instanceof HttpError && error.statusCode === 401) {
          await audit.record({
            event: 'refresh',
            email: '',
            success: false,
            outcome: 'invalid',
            ...client(request),
          });
        }
        throw error;
      }
    },
  );

  r.post(
    '/logout',
    {
      schema: {
        tags: ['account'],
        summary: 'End the session of a refresh token',
        body: refreshBody,
        response: { 200: doneReply, 400: errorReply },
      },
    },
    async (request, reply) => {
      const userId = await sessions.end(request.body.refreshToken);
      await audit.record({
        event: 'logout',
        email: '',
        userId,
        success: userId !== undefined,
        ...client(request),
      });
      return reply.send({ status: 'done' as const, message: 'the session is over' });
    },
  );

  r.get(
    '/me',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['account'],
        summary: 'The account of the access token',
        security: [{ bearer: [] }],
        response: { 200: meReply, 401: errorReply },
      },
    },
    async (request) => {
      const user = await users.byId(String(request.principal!.userId));
      if (!user) throw notFound('the account no longer exists');
      if (user.status === 'deleted') throw unauthorized('the account no longer exists');
      return {
        id: Number(user.id),
        email: user.email,
        fullName: user.fullName,
        status: user.status,
        roles: await users.roles(user.id),
      };
    },
  );
}
