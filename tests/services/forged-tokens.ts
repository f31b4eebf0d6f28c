import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Pool } from 'mysql2/promise';

async function signingKey(authDb: Pool): Promise<{ kid: string; private_jwk: string }> {
  const [rows] = await authDb.query("select kid, private_jwk from signing_keys where status = 'signing'");
  return (rows as { kid: string; private_jwk: string }[])[0]!;
}

/** Tokens an attacker (or a clock) could produce, each of which every verifier must refuse. */
export async function forgedTokens(authDb: Pool, userId: number): Promise<Record<string, string>> {
  const key = await signingKey(authDb);
  const realKey = await importJWK(JSON.parse(key.private_jwk) as JWK, 'EdDSA');
  const claims = { roles: ['admin'] };
  const now = Math.floor(Date.now() / 1000);
  const sign = (
    k: Parameters<SignJWT['sign']>[0],
    o: { iss?: string; aud?: string; exp?: number; kid?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: o.kid ?? key.kid })
      .setIssuer(o.iss ?? 'techmarket-auth')
      .setAudience(o.aud ?? 'techmarket')
      .setSubject(String(userId))
      .setIssuedAt(now - 60)
      .setExpirationTime(o.exp ?? now + 600)
      .sign(k);
  const other = await generateKeyPair('EdDSA');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return {
    algNone: `${b64({ alg: 'none', kid: key.kid })}.${b64({ sub: String(userId), roles: ['admin'], iss: 'techmarket-auth', aud: 'techmarket', exp: now + 600 })}.`,
    wrongKey: await sign(other.privateKey),
    wrongKeyUnknownKid: await sign(other.privateKey, { kid: 'made-up-kid' }),
    wrongIssuer: await sign(realKey, { iss: 'someone-else' }),
    wrongAudience: await sign(realKey, { aud: 'another-app' }),
    expired: await sign(realKey, { exp: now - 120 }),
  };
}

/** The signing key's own token, to show the forgeries fail for their flaw and not for the key. */
export async function validAdminToken(authDb: Pool, userId: number): Promise<string> {
  const key = await signingKey(authDb);
  return new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer('techmarket-auth')
    .setAudience('techmarket')
    .setSubject(String(userId))
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(JSON.parse(key.private_jwk) as JWK, 'EdDSA'));
}
