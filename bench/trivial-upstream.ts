/**
 * An upstream that does nothing: answers every request with the same JSON body (`BODY_FILE`) on
 * `PORT`. `bench:services` puts the gateway and nginx in front of it to measure each hop alone,
 * without the catalog's query and serialization behind it. Run as its own process, like a service.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BODY_FILE ?? '/dev/null');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
