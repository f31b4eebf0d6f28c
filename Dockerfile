# The one image of the platform's own processes: the five services, the gateway, the ETL worker and
# the CDC consumer are all `node bin/techmarket.js <command>` (docker-compose.yml picks the command).
# No build step: the CLI loads the TypeScript through tsx, as it does on a developer's machine.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production
# Dependencies first, so a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .

USER node
ENTRYPOINT ["node", "bin/techmarket.js"]
CMD ["--help"]
