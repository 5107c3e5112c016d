# tidegate for a gateway or the platform, on arm64 (Raspberry Pi 4/5) or amd64:
#   docker buildx build --platform linux/arm64,linux/amd64 -t tidegate .
# Serial ports are passed with --device, e.g. --device /dev/ttyUSB0.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
# npm ci compiles dist/ (the prepare script needs typescript), then the dev packages go
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends udev tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
VOLUME ["/var/lib/tidegate", "/etc/tidegate"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/tidegate.js"]
CMD ["edge", "--config", "/etc/tidegate/gateway.yaml"]
