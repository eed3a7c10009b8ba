# One image for every Plantgraph process; docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY cli ./cli
COPY gateway ./gateway
COPY platform ./platform
COPY subgraphs ./subgraphs
COPY questions ./questions
COPY bench ./bench
# `npm ci` runs `prepare`, which compiles to dist/ and builds the explorer's browser files.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schema ./schema
COPY questions ./questions
USER node
EXPOSE 4000 4001 4002 4003 4004 4005 4006
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The gateway's heap bound, as in k8s/gateway.yaml and docker-compose.yml (docs/performance.md, "Memory").
CMD ["node", "--max-old-space-size=256", "dist/gateway/main.js"]
