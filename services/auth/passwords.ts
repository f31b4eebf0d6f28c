import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../shared/index.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export interface PasswordPolicy {
  memoryKib: number;
  timeCost: number;
}

/** Refuses a password that is too short or on the common list; the error names the field. */
export function checkPasswordStrength(password: string, minLength: number, field = 'body.password'): void {
  if ([...password].length < minLength) {
    throw badRequest(`${field}: must be at least ${minLength} characters`, field);
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    throw badRequest(`${field}: is one of the most common passwords; choose another`, field);
  }
}

/** @node-rs/argon2's default algorithm is argon2id; the parameters are in the hash (PHC string). */
export function hashPassword(password: string, policy: PasswordPolicy): Promise<string> {
  return hash(password, { memoryCost: policy.memoryKib, timeCost: policy.timeCost, parallelism: 1 });
}

export function createPasswordHasher(policy: PasswordPolicy) {
  // An account that does not exist is checked against this hash, so answering "wrong" takes as
  // long as for an account that does (no enumeration by timing).
  const dummy = hashPassword('not-a-password-of-anyone', policy);
  return {
    hash: (password: string) => hashPassword(password, policy),
    async verify(storedHash: string | undefined, password: string): Promise<boolean> {
      if (storedHash === undefined || !storedHash.startsWith('$argon2')) {
        await verify(await dummy, password).catch(() => false);
        return false;
      }
      return verify(storedHash, password).catch(() => false);
    },
    /** Same cost as a hash, result thrown away: registration of a taken e-mail takes as long. */
    async burn(password: string): Promise<void> {
      await hashPassword(password, policy);
    },
  };
}
export type PasswordHasher = ReturnType<typeof createPasswordHasher>;
