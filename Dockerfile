# One image for every Plantgraph process; docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json ./
COPY bin ./bin
COPY cli ./cli
COPY gateway ./gateway
COPY platform ./platform
COPY subgraphs ./subgraphs
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schema ./schema
USER node
EXPOSE 4000
CMD ["node", "dist/gateway/main.js"]
