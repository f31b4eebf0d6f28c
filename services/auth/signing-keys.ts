import { randomBytes } from 'node:crypto';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  type KeyObject,
  SignJWT,
} from 'jose';
import type { Kysely } from 'kysely';
import { HttpError, type Role } from '../shared/index.ts';
import type { AuthDatabase } from './database.ts';

const ALGORITHM = 'EdDSA';

interface LoadedKey {
  kid: string;
  status: 'signing' | 'verifying';
  publicJwk: JWK;
  publicKey: KeyObject | Uint8Array;
  privateKey: KeyObject | Uint8Array;
}

export interface AccessTokenClaims {
  userId: string;
  roles: Role[];
}

/**
 * The Ed25519 keys access tokens are signed with, kept in the auth database so every auth process
 * signs with the same one. Rotation: `rotate()` makes a new signing key and keeps the old one
 * published as `verifying`, so tokens it signed stay valid until they expire; `retire(kid)` then
 * removes it from the JWKS. Nobody is logged out: refresh tokens are opaque and do not depend on it.
 */
export function createSigningKeys(
  db: Kysely<AuthDatabase>,
  options: { issuer: string; audience: string; accessTokenTtlSeconds: number },
) {
  let keys: LoadedKey[] = [];
  let loadedAt = 0;

  async function load(): Promise<void> {
    const rows = await db
      .selectFrom('signing_keys')
      .select(['kid', 'status', 'public_jwk', 'private_jwk'])
      .where('status', 'in', ['signing', 'verifying'])
      .orderBy('id', 'desc')
      .execute();
    loadedAt = Date.now();
    keys = await Promise.all(
      rows.map(async (row) => {
        const publicJwk = JSON.parse(row.public_jwk) as JWK;
        return {
          kid: row.kid,
          status: row.status as LoadedKey['status'],
          publicJwk,
          publicKey: await importJWK(publicJwk, ALGORITHM),
          privateKey: await importJWK(JSON.parse(row.private_jwk) as JWK, ALGORITHM),
        };
      }),
    );
  }

  async function insertSigningKey(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    const kid = `${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('signing_keys')
        .set({ status: 'verifying' })
        .where('status', '=', 'signing')
        .execute();
      await trx
        .insertInto('signing_keys')
        .values({
          kid,
          algorithm: ALGORITHM,
          public_jwk: JSON.stringify(publicJwk),
          private_jwk: JSON.stringify(await exportJWK(privateKey)),
          status: 'signing',
        })
        .execute();
    });
    return kid;
  }

  function signer(): LoadedKey {
    const key = keys.find((k) => k.status === 'signing');
    if (!key) throw new HttpError(503, 'no_signing_key', 'auth has no signing key yet; retry shortly');
    return key;
  }

  return {
    /** Loads the keys, making the first one when the database has none. */
    async start(): Promise<void> {
      await load();
      if (!keys.some((k) => k.status === 'signing')) {
        await insertSigningKey();
        await load();
      }
    },
    async rotate(): Promise<string> {
      const kid = await insertSigningKey();
      await load();
      return kid;
    },
    /** Stops publishing a verifying key; the signing key cannot be retired (rotate first). */
    async retire(kid: string): Promise<boolean> {
      const result = await db
        .updateTable('signing_keys')
        .set({ status: 'retired' })
        .where('kid', '=', kid)
        .where('status', '=', 'verifying')
        .executeTakeFirst();
      await load();
      return Number(result.numUpdatedRows) === 1;
    },
    jwks(): { keys: JWK[] } {
      return { keys: keys.map((k) => k.publicJwk) };
    },
    async sign(claims: AccessTokenClaims): Promise<string> {
      const key = signer();
      return new SignJWT({ roles: claims.roles })
        .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(claims.userId)
        .setIssuedAt()
        .setJti(randomBytes(12).toString('base64url'))
        .setExpirationTime(`${options.accessTokenTtlSeconds}s`)
        .sign(key.privateKey);
    },
    /** For auth's own checks of access tokens; a kid it does not know is looked up again once. */
    verificationKey: (async (header) => {
      let key = keys.find((k) => k.kid === header.kid);
      // Another auth process may have rotated; made-up key ids cost at most one query a second.
      if (!key && Date.now() - loadedAt > 1000) {
        await load();
        key = keys.find((k) => k.kid === header.kid);
      }
      if (!key) throw new HttpError(401, 'unauthorized', 'the access token is not valid');
      return key.publicKey;
    }) as JWTVerifyGetKey,
  };
}
export type SigningKeys = ReturnType<typeof createSigningKeys>;
