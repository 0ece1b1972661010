package dev.meetingbridge.config;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook endpoints are checked at start-up: a secret that is not Standard Webhooks'
 * {@code whsec_} and base64 of 24 to 64 bytes, a bad URL or an unknown event type stops
 * it naming the property, and neither the secret nor the URL's credentials are ever
 * printed.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookEndpointsTests {

	private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(BridgePropertiesTests.Properties.class, WebhookEndpoints.class);

	@Test
	void noEndpointsByDefault() {
		this.runner.run((context) -> assertThat(context.getBean(WebhookEndpoints.class).all()).isEmpty());
	}

	@Test
	void anEndpointWithCredentialsIsShownWithoutThem() {
		this.runner
			.withPropertyValues("bridge.webhooks.endpoints[0].url=https://app:hunter2@hooks.example.com/in?x=1",
					"bridge.webhooks.endpoints[0].secret=" + SECRET,
					"bridge.webhooks.endpoints[0].events=participant-joined,meeting-ended")
			.run((context) -> {
				WebhookEndpoint endpoint = context.getBean(WebhookEndpoints.class).all().getFirst();
				assertThat(endpoint.safeUrl()).isEqualTo("https://hooks.example.com/in?x=1");
				assertThat(endpoint).hasToString("https://hooks.example.com/in?x=1");
				assertThat(endpoint.key()).hasSize(32);
				assertThat(endpoint.wants("participant-joined")).isTrue();
				assertThat(endpoint.wants("chat-message")).isFalse();
			});
	}

	@Test
	void theSingleEndpointVariablesConfigureOneEndpointForEveryEvent() {
		this.runner
			.withPropertyValues("bridge.webhooks.url=http://localhost:9000/hooks", "bridge.webhooks.secret=" + SECRET)
			.run((context) -> {
				WebhookEndpoint endpoint = context.getBean(WebhookEndpoints.class).all().getFirst();
				assertThat(endpoint.url()).hasToString("http://localhost:9000/hooks");
				assertThat(endpoint.wants("chat-message")).isTrue();
			});
	}

	@Test
	void aBadSecretStopsStartUpNamingThePropertyButNotTheSecret(CapturedOutput output) {
		String[] bad = { "not-whsec", "whsec_%%%", "whsec_" + Base64.getEncoder().encodeToString(new byte[16]),
				"whsec_" + Base64.getEncoder().encodeToString(new byte[65]) };
		for (String secret : bad) {
			this.runner
				.withPropertyValues("bridge.webhooks.endpoints[0].url=http://localhost:9000/hooks",
						"bridge.webhooks.endpoints[0].secret=" + secret)
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).hasStackTraceContaining(
							"bridge.webhooks.endpoints[0].secret must be 'whsec_' followed by base64 of 24 to 64");
					assertThat(stackTrace(context.getStartupFailure())).doesNotContain(secret);
				});
		}
		this.runner.withPropertyValues("bridge.webhooks.url=http://localhost:9000/hooks")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("bridge.webhooks.secret (BRIDGE_WEBHOOKS_SECRET) must be 'whsec_'"));
		assertThat(output).doesNotContain("whsec_%%%");
	}

	@Test
	void aBadUrlOrEventTypeStopsStartUpNamingTheProperty() {
		this.runner
			.withPropertyValues("bridge.webhooks.endpoints[0].url=ftp://example.com/x",
					"bridge.webhooks.endpoints[0].secret=" + SECRET)
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("bridge.webhooks.endpoints[0].url must be an absolute http or https URL"));
		this.runner
			.withPropertyValues("bridge.webhooks.endpoints[0].url=http://localhost/x",
					"bridge.webhooks.endpoints[0].secret=" + SECRET, "bridge.webhooks.endpoints[0].events=joined")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("bridge.webhooks.endpoints[0].events: unknown event type 'joined'"));
	}

	private static String stackTrace(Throwable failure) {
		java.io.StringWriter writer = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(writer));
		return writer.toString();
	}

}
