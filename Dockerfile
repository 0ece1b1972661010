# syntax=docker/dockerfile:1
# Build with the Maven wrapper, run on a JRE as a non-root user, with the jar's layers
# (dependencies first) so that a code change rebuilds only the last layer.

FROM eclipse-temurin:21-jdk AS build
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
COPY src/ src/
RUN ./mvnw -B -q -DskipTests package \
    && java -Djarmode=tools -jar target/meeting-bridge-*.jar extract --layers --launcher --destination target/extracted

FROM eclipse-temurin:21-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system bridge \
    && useradd --system --gid bridge --home-dir /app --shell /usr/sbin/nologin bridge
WORKDIR /app
COPY --from=build /workspace/target/extracted/dependencies/ ./
COPY --from=build /workspace/target/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/target/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/target/extracted/application/ ./
USER bridge
EXPOSE 8080
# Size the heap from the container's memory limit; exit (and let the orchestrator restart) on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
