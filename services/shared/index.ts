/** The kit every service is built on (DESIGN.md 3.6); a service imports only from here. */
export { loadSettings, type ServiceSettings, serviceSettings } from './config.ts';
export { createService, PLATFORM_VERSION, type Service, type ServiceDefinition } from './create-service.ts';
export { isDuplicateKey, openDatabase, pingDatabase } from './database.ts';
export {
  badRequest,
  conflict,
  forbidden,
  HttpError,
  notFound,
  tooManyRequests,
  unauthorized,
} from './errors.ts';
export { localTokenIssuer } from './local-token-issuer.ts';
export { propagatedHeaders, REDACTED_PATHS, requestIdFrom } from './logging.ts';
export {
  ACCESS_TOKEN_ALGORITHMS,
  type AccessTokenOptions,
  type Principal,
  ROLES,
  type Role,
} from './plugins/access-tokens.ts';
export { runServer } from './run-server.ts';
export { errorReply, listReply } from './schemas.ts';
