# syntax=docker/dockerfile:1
# chaos-monkey image: one image, two programs.
#   docker run IMAGE                                   -> the operator (dist/operator/src/main.js)
#   docker run IMAGE dist/webhook/src/main.js --port 9443 --cert ... --key ...   -> the conversion webhook
# Build: docker build -t chaos-monkey:dev .   (multi-arch: docker buildx build --platform linux/amd64,linux/arm64 .)
# Base images are pinned by exact version (node 24.21.0 = the "node" devDependency of package.json).
# Pin by digest too when you build: docker buildx imagetools inspect node:24.21.0-bookworm-slim
# prints it; no digest is written here because none could be checked from this repository's machines.

# ---- build: all dependencies; type check (tsc --noEmit), then esbuild bundles the two entry points
# with every dependency into dist/ (scripts/build.ts, docs/adr/0007-bundle-production-entries.md):
# the runtime needs no node_modules and loads only the parts of client-node the operator reaches.
# Production code only: api/, operator/src/, webhook/src/ (the npm start demo and its embedded API
# server stay in the repository; an ESLint zone keeps the production code from importing them).
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts ./scripts/
COPY api ./api
COPY operator/src ./operator/src
COPY webhook/src ./webhook/src
RUN npm run build

# ---- runtime: the bundles only (no node_modules), non-root numeric user, read-only friendly
FROM node:24.21.0-bookworm-slim AS runtime
# NODE_OPTIONS (memory, issue 4; figures in docs/operator.md "Benchmark", which bench/operator.ts
# reads from here): an 8 MiB semi-space instead of V8's up to 64 MiB (the startup burst of status
# patches and Events grew the young generation to 128 MiB that was never given back; 2 MiB cost
# 0.6-0.7 ms of CPU per action in scavenges, 8 MiB keeps idle RSS at 88 MiB and 10,000 CMCs at
# 160 MiB: docs/operator.md "CPU per action"), and an old-space cap so V8 collects before the chart's 256Mi
# limit rather than the kernel killing the pod. Both programs of the image get them.
ENV NODE_ENV=production \
    HOME=/tmp \
    NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=160"
WORKDIR /app
COPY --from=build /app/dist ./dist
# package.json: "type": "module" makes Node load dist/**/*.js as ES modules.
COPY package.json ./
# 65532 = the chart's runAsUser; files stay root-owned and read-only for it.
USER 65532:65532
EXPOSE 9000 9443
# Wasm: Liftoff only (no tier-up to TurboFan) for undici's HTTP parser (llhttp, WebAssembly), which
# client-node's lists and watches use: optimising it cost about 10 MiB of idle RSS for no measured
# gain in CPU per action (docs/operator.md "Memory at idle"). V8 flags that NODE_OPTIONS refuses.
ENTRYPOINT ["node", "--no-wasm-dynamic-tiering", "--no-wasm-tier-up"]
CMD ["dist/operator/src/main.js"]
