# The service image: one image, two roles (docker-compose.yml runs it as `worker` and `api`,
# plus a one-shot `setup` that migrates the database and registers search attributes).
# Local infrastructure (embedded PostgreSQL, MailDev, dev server) is for `npm start` only;
# in a container every part comes from the environment (see docs/OPERATIONS.md).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY examples ./examples
COPY worker.ts ./
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    DOCUMENT_STORE_DIR=/data/documents
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data/documents && chown -R node:node /data
USER node
EXPOSE 3000
# Default role: the HTTP API. The worker runs `node dist/worker.js`.
CMD ["node", "dist/src/api/server.js"]
