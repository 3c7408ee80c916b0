# syntax=docker/dockerfile:1
# netpol-guard: the admission webhook image. The Helm chart (charts/netpol-guard) runs it as
# `node dist/main.js serve`, configured through NETPOL_GUARD_* environment variables.

ARG NODE_IMAGE=node:20-alpine

# --- build: compile TypeScript with the full dependency tree -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- production dependencies only, without install scripts ---------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime --------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Root owns the files; the server only reads them, and the chart mounts the root filesystem read-only.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE ./
# A numeric non-root user, so runAsNonRoot can verify it without an /etc/passwd lookup.
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve"]
