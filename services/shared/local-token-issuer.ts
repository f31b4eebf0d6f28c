import { generateKeyPair, SignJWT } from 'jose';

/**
 * An EdDSA key pair standing in for auth's signing key, for tests and benchmarks that run one service
 * without auth: tokens are signed as auth signs them and checked by the kit's own plugin. Never used
 * by a running service: its key lives only in the process that made it.
 */
export async function localTokenIssuer(settings: { JWT_ISSUER: string; JWT_AUDIENCE: string }) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return {
    /** For createService's `accessTokens`: verify with the test key. */
    accessTokens: { keys: async () => publicKey },
    sign(userId: number, roles: string[] = ['sales_manager']): Promise<string> {
      return new SignJWT({ roles })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(String(userId))
        .setIssuer(settings.JWT_ISSUER)
        .setAudience(settings.JWT_AUDIENCE)
        .setExpirationTime('1h')
        .sign(privateKey);
    },
  };
}
