# tidegate for a gateway or the platform, on arm64 (Raspberry Pi 4/5) or amd64:
#   docker buildx build --platform linux/arm64,linux/amd64 -t tidegate .
# The build context is an allow-list (.dockerignore); tests/cli/docker-context.test.ts checks what
# reaches the image. Serial ports are passed with --device, e.g. --device /dev/ttyUSB0.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
# npm ci compiles better-sqlite3 for this architecture and dist/ (the prepare script needs typescript),
# then the dev packages (typescript, tsx, vitest, modbus-serial...) go.
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends udev tini && rm -rf /var/lib/apt/lists/* \
  && groupadd --system tidegate \
  && useradd --system --gid tidegate --groups dialout --home-dir /var/lib/tidegate --shell /usr/sbin/nologin tidegate \
  && install -d -o tidegate -g tidegate -m 0750 /var/lib/tidegate \
  && install -d -o root -g tidegate -m 0750 /etc/tidegate
WORKDIR /app
# The runtime tree only: compiled code, production packages, the example configs. Owned by root,
# read-only to the agent.
COPY --from=build /app/package.json /app/package.json
COPY --from=build /app/node_modules /app/node_modules
COPY --from=build /app/dist /app/dist
COPY --from=build /app/bin/tidegate.js /app/bin/tidegate.js
COPY --from=build /app/config /app/config
ENV NODE_ENV=production
# The edge agent's /health by default; for a broker: -e TIDEGATE_HEALTH_URL=http://127.0.0.1:8080/health
ENV TIDEGATE_HEALTH_URL=http://127.0.0.1:9102/health
USER tidegate
# 9102: edge /health and /metrics. 1883, 8883, 8080: the broker's MQTT, MQTT over TLS, HTTP (dashboard, WebSocket).
EXPOSE 9102 1883 8883 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.TIDEGATE_HEALTH_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
VOLUME ["/var/lib/tidegate", "/etc/tidegate"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/tidegate.js"]
CMD ["edge", "--config", "/etc/tidegate/gateway.yaml"]
