package dev.meetingbridge.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.TestRedis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JavaScript client (the package in {@code clients/js}, served bundled at
 * {@code /client/meeting-bridge.js}) and the console ({@code /}), tested from
 * {@code e2e/} against this bridge: the client with {@code node --test} in Node, the
 * packed package installed into an empty project running the README's example, and the
 * console in headless Chromium (Debian's {@code /usr/bin/chromium} driven by
 * {@code playwright-core}). The child's output is printed, so a failure explains itself
 * in the Surefire report.
 */
@AutoConfigureMetrics // the console's totals line reads /actuator/prometheus
// A short grace, so that the console's reload test outlasts it in seconds.
@TestPropertySource(properties = "bridge.presence.grace=" + JavaScriptClientTests.GRACE_MS + "ms")
// The console shows the webhook endpoints: one that nothing answers.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "bridge.webhooks.url=http://127.0.0.1:9/hooks",
				"bridge.webhooks.secret=whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" })
class JavaScriptClientTests extends IntegrationTest {

	static final long GRACE_MS = 4000;

	private static final Path E2E = Path.of("e2e").toAbsolutePath();

	private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));

	private static final long NPM_MINUTES = 5;

	private static final long NODE_MINUTES = 5;

	@BeforeAll
	static void installTheTestDependencies() throws Exception {
		assertThat(run(List.of("node", "--version"), Map.of(), 1).exitCode())
			.as("Node 20+ must be on the PATH (apt-get install nodejs npm)")
			.isZero();
		if (!Files.isDirectory(E2E.resolve("node_modules/ws"))
				|| !Files.isDirectory(E2E.resolve("node_modules/playwright-core"))
				|| !Files.isDirectory(E2E.resolve("node_modules/@stomp/stompjs"))) {
			Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), NPM_MINUTES);
			assertThat(install.exitCode()).as("npm ci in e2e/:%n%s", install.output()).isZero();
		}
	}

	@Test
	void theClientRunsTheConnectionMeetingExamplesInNode() throws Exception {
		Result result = nodeTest("test/client.test.mjs");
		assertThat(result.exitCode()).as("node --test test/client.test.mjs:%n%s", result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").doesNotContain("# pass 0");
	}

	@Test
	void theClientsParticipantsEqualTheBridgesAfterItsRedisPubSubLinksWereCut() throws Exception {
		assumeTrue(!TestRedis.cluster(), "the standalone pass cuts the links of the one test Redis");
		Result result = nodeTest("test/gaps.test.mjs");
		assertThat(result.exitCode()).as("node --test test/gaps.test.mjs:%n%s", result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").contains("# skipped 0");
	}

	@Test
	void theClientsChangesTakeEffectOnceWhenTheirAnswersAreLostOnAKilledConnection() throws Exception {
		Result result = nodeTest("test/retries.test.mjs");
		assertThat(result.exitCode()).as("node --test test/retries.test.mjs:%n%s", result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").doesNotContain("# pass 0");
	}

	@Test
	void thePackedPackageInstallsIntoAnEmptyProjectAndRunsTheReadmeExample() throws Exception {
		Result result = nodeTest("test/package.test.mjs");
		assertThat(result.exitCode()).as("node --test test/package.test.mjs:%n%s", result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").doesNotContain("# pass 0");
	}

	@Test
	void theConsoleWorksInHeadlessChromium() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM), "No Chromium at " + CHROMIUM
				+ ": the console's browser test is skipped (apt-get install -y chromium, as .ci/run does)");
		Result result = nodeTest("test/console.test.mjs");
		assertThat(result.exitCode()).as("node --test test/console.test.mjs:%n%s", result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").contains("# skipped 0");
		assertThat(Path.of("target/e2e/console.png")).exists();
	}

	@Test
	void theConsoleShowsARedisFreezeAndClearsWhatItCausedInHeadlessChromium() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM), "No Chromium at " + CHROMIUM);
		assumeTrue(!TestRedis.cluster(), "the standalone pass freezes the one test Redis");
		Result result = nodeTest("test/console-outage.test.mjs");
		assertThat(result.exitCode()).as("node --test test/console-outage.test.mjs:%n%s", result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").contains("# skipped 0");
	}

	@Test
	void theReadmeWalkThroughsRunAsWrittenInTheirOrder() throws Exception {
		Result result = nodeTest("test/readme.test.mjs");
		assertThat(result.exitCode()).as("node --test test/readme.test.mjs:%n%s", result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").doesNotContain("# pass 0");
	}

	private Result nodeTest(String file) throws Exception {
		Map<String, String> environment = new HashMap<>(
				Map.of("BRIDGE_URL", baseUrl(), "BRIDGE_JWT_SECRET", SECRET, "CHROMIUM_PATH", CHROMIUM.toString(),
						"E2E_SCREENSHOT_DIR", Path.of("target/e2e").toAbsolutePath().toString(),
						"BRIDGE_PRESENCE_GRACE_MS", Long.toString(GRACE_MS)));
		if (!TestRedis.cluster()) {
			environment.put("BRIDGE_REDIS_URL", TestRedis.url());
		}
		return run(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=tap", file), environment,
				NODE_MINUTES);
	}

	/**
	 * Runs a command in e2e/, echoing and keeping its output; kills it after the timeout.
	 */
	private static Result run(List<String> command, Map<String, String> environment, long timeoutMinutes)
			throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			return new Result(-1, command.get(0) + " could not start: " + ex.getMessage());
		}
		List<String> lines = new ArrayList<>();
		Thread reader = Thread.ofVirtual().start(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					System.out.println("[" + command.get(0) + "] " + line);
					synchronized (lines) {
						lines.add(line);
					}
				}
			}
			catch (IOException ex) {
				// the process went away
			}
		});
		boolean finished = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
		if (!finished) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
		reader.join(TimeUnit.SECONDS.toMillis(10));
		String output;
		synchronized (lines) {
			output = String.join(System.lineSeparator(), lines);
		}
		return new Result(finished ? process.exitValue() : -1,
				finished ? output : output + System.lineSeparator() + "(killed after " + timeoutMinutes + " min)");
	}

	private record Result(int exitCode, String output) {
	}

}
