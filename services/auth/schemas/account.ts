import { z } from 'zod';
import { ROLES } from '../../shared/index.ts';

// Bodies are strict: an unknown field (say `roles` on register) is refused, not silently dropped.
const email = z.email().max(255).describe('the login');
const password = z.string().min(1).max(256).describe('never logged, stored only as an argon2id hash');
const refreshToken = z.string().min(20).max(200).describe('the opaque token /login or /refresh gave');

export const registerBody = z.strictObject({
  email,
  password,
  fullName: z.string().trim().min(1).max(200).optional(),
});
export const loginBody = z.strictObject({ email, password });
export const refreshBody = z.strictObject({ refreshToken });
export const resetRequestBody = z.strictObject({ email });
export const resetConfirmBody = z.strictObject({
  token: z.string().min(20).max(200).describe('the token the reset message carried'),
  password,
});

/** A plain acknowledgement, for calls whose answer carries nothing else. */
export const doneReply = z.object({ status: z.literal('done'), message: z.string() });
export const acceptedReply = z.object({ status: z.literal('accepted'), message: z.string() });
export const tokensReply = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('seconds the access token is valid'),
  tokenType: z.literal('Bearer'),
});
export const meReply = z.object({
  id: z.number().int(),
  email: z.string(),
  fullName: z.string(),
  status: z.enum(['active', 'locked', 'disabled', 'deleted']),
  roles: z.array(z.enum(ROLES)),
});
export const userIdParams = z.object({ id: z.coerce.number().int().positive() });
export const rolesBody = z.strictObject({
  roles: z
    .array(z.enum(ROLES))
    .min(1)
    .max(ROLES.length * 4)
    .transform((roles) => [...new Set(roles)]),
});
export const statusBody = z.strictObject({ status: z.enum(['active', 'locked', 'disabled']) });
export const jwksReply = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
export const kidParams = z.object({ kid: z.string().min(1).max(64) });
export const rotateReply = z.object({ kid: z.string() });
