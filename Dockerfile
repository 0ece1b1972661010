# syntax=docker/dockerfile:1
# Build with the Maven wrapper, run on a JRE as a non-root user, with the jar's layers
# (dependencies first) so that a code change rebuilds only the last layers, and with the JVM's
# ahead-of-time cache trained on the REST workload of scripts/aot-train.mjs by the same JRE build.

FROM eclipse-temurin:25-jdk AS build
# Node and npm bundle the JavaScript client (clients/js) that the bridge serves at /client/meeting-bridge.js.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /workspace
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY clients/js/package.json clients/js/package-lock.json clients/js/
RUN cd clients/js && npm ci --no-audit --no-fund
COPY clients/js/ clients/js/
# The jar carries the project's LICENSE and NOTICE in its META-INF (each library in lib/ carries its own).
COPY LICENSE NOTICE ./
COPY src/ src/
RUN ./mvnw -B -q -DskipTests package \
    && java -Djarmode=tools -jar target/meeting-bridge-*.jar extract --layers \
        --application-filename meeting-bridge.jar --destination target/extracted

# The training run: the application as it will run (same JRE image, same class path), against a Redis
# of its own, for 40 s of every REST route. The cache fits this build and this JVM build only.
FROM eclipse-temurin:25-jre AS train
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs redis-server \
    && rm -rf /var/lib/apt/lists/*
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
WORKDIR /app
COPY --from=build /workspace/target/extracted/dependencies/ ./
COPY --from=build /workspace/target/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/target/extracted/application/ ./
COPY scripts/aot-cache.sh scripts/aot-train.mjs /train/
RUN /train/aot-cache.sh /app /app/meeting-bridge.aot 40

FROM eclipse-temurin:25-jre
LABEL org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system bridge \
    && useradd --system --gid bridge --home-dir /app --shell /usr/sbin/nologin bridge
WORKDIR /app
COPY --from=build /workspace/target/extracted/dependencies/ ./
COPY --from=build /workspace/target/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/target/extracted/application/ ./
COPY --from=train /app/meeting-bridge.aot ./
USER bridge
EXPOSE 8080
# Size the heap from the container's memory limit; exit (and let the orchestrator restart) on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
# -XX:AOTCache: classes loaded and linked ahead of time, method profiles from the training run; a JVM
# that finds the cache unfit (another JVM build) warns and runs without it.
ENTRYPOINT ["java", "-XX:AOTCache=/app/meeting-bridge.aot", "-jar", "/app/meeting-bridge.jar"]
