import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { badRequest, errorReply } from '../../shared/index.ts';
import type { AuthDeps } from '../deps.ts';
import { checkPasswordStrength } from '../passwords.ts';
import { acceptedReply, doneReply, resetConfirmBody, resetRequestBody } from '../schemas/account.ts';
import { newOpaqueToken, tokenHash, utcDatetime } from '../secrets.ts';
import { createAttemptLimits } from './attempt-limits.ts';

const REQUESTED: { status: 'accepted'; message: string } = {
  status: 'accepted',
  message: 'if an account has this e-mail, a reset message is on its way',
};

/** Password reset: a single-use token, valid RESET_TOKEN_TTL_MINUTES, that ends every session. */
export async function passwordResetRoutes(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const { settings, users, audit, resets, passwords, resetChannel } = deps;
  const limitAttempts = createAttemptLimits(
    app,
    settings.RATE_LIMIT_PER_ADDRESS,
    settings.RATE_LIMIT_PER_ACCOUNT,
  );
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/password-reset/request',
    {
      schema: {
        tags: ['password reset'],
        summary: 'Send a reset token to the account (the same answer for an unknown e-mail)',
        body: resetRequestBody,
        response: { 202: acceptedReply, 400: errorReply, 429: errorReply },
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      const client = { ip: request.ip, userAgent: request.headers['user-agent'] };
      const user = await users.byEmail(email);
      const record = (outcome: string | undefined) =>
        audit.record({
          event: 'password_reset_request',
          email,
          userId: user?.id,
          success: outcome === undefined,
          ...(outcome ? { outcome } : {}),
          ...client,
        });
      await limitAttempts(request, record);
      if (!user || user.status === 'deleted' || user.status === 'disabled') {
        await record(user ? user.status : 'unknown_account');
        return reply.code(202).send(REQUESTED);
      }
      const token = newOpaqueToken();
      await resets.insert({
        userId: user.id,
        tokenHash: tokenHash(token),
        expiresAt: utcDatetime(settings.RESET_TOKEN_TTL_MINUTES * 60_000),
      });
      await resetChannel.deliver({
        recipient: user.email,
        subject: 'Your TechMarket password reset',
        body: `Use this token within ${settings.RESET_TOKEN_TTL_MINUTES} minutes to choose a new password: ${token}\nIf you did not ask for it, ignore this message.`,
      });
      await record(undefined);
      return reply.code(202).send(REQUESTED);
    },
  );

  r.post(
    '/password-reset/confirm',
    {
      schema: {
        tags: ['password reset'],
        summary: 'Set a new password with a reset token; every session of the account ends',
        body: resetConfirmBody,
        response: { 200: doneReply, 400: errorReply },
      },
    },
    async (request, reply) => {
      const { token, password } = request.body;
      checkPasswordStrength(password, settings.PASSWORD_MIN_LENGTH);
      const hash = await passwords.hash(password);
      const userId = await resets.consume(tokenHash(token));
      const client = { ip: request.ip, userAgent: request.headers['user-agent'] };
      if (userId === undefined) {
        await audit.record({
          event: 'password_reset_confirm',
          email: '',
          success: false,
          outcome: 'invalid_token',
          ...client,
        });
        throw badRequest(
          'body.token: the reset token is unknown, already used or expired; request a new one',
          'body.token',
        );
      }
      await users.setPassword(userId, hash);
      await deps.refreshTokens.revokeAllOfUser(userId);
      const user = await users.byId(userId);
      await audit.record({
        event: 'password_reset_confirm',
        email: user?.email ?? '',
        userId,
        success: true,
        ...client,
      });
      return reply.send({
        status: 'done' as const,
        message: 'the password is changed; every session has ended',
      });
    },
  );
}
