package dev.meetingbridge.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code bridge.*} settings: sensible defaults, and a bad value stops start-up naming
 * its property.
 */
@ExtendWith(OutputCaptureExtension.class)
class BridgePropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Properties.class);

	@Test
	void everySettingHasADefault() {
		this.runner.run((context) -> {
			BridgeProperties properties = context.getBean(BridgeProperties.class);
			assertThat(properties.redis().keyPrefix()).isEqualTo("bridge");
			assertThat(properties.security().jwtSecret()).isNull();
			assertThat(properties.chat().maxLength()).isEqualTo(4096);
			assertThat(properties.chat().ratePerSecond()).isEqualTo(20);
			assertThat(properties.chat().burst()).isEqualTo(40);
			assertThat(properties.history().maxEvents()).isEqualTo(1000);
			assertThat(properties.retention().endedMeetings()).isEqualTo(Duration.ofHours(24));
			assertThat(properties.presence().grace()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.presence().leaseTtl()).isEqualTo(Duration.ofSeconds(15));
			assertThat(properties.stomp().heartbeat()).isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void aSecretShorterThan32BytesStopsStartUpNamingTheProperty(CapturedOutput output) {
		assertThatThrownBy(() -> start("bridge.security.jwt-secret=too-short"))
			.hasStackTraceContaining("bridge.security")
			.hasStackTraceContaining("jwtSecret")
			.hasStackTraceContaining("bridge.security.jwt-secret (BRIDGE_JWT_SECRET) must be at least 32 bytes");
		assertThat(output).contains("bridge.security.jwt-secret").contains("at least 32 bytes");
	}

	@Test
	void anEmptySecretMeansUnset() {
		this.runner.withPropertyValues("bridge.security.jwt-secret=").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(BridgeProperties.class).security().jwtSecret()).isNull();
		});
	}

	@Test
	void invalidValuesStopStartUpNamingTheirProperty(CapturedOutput output) {
		assertThatThrownBy(() -> start("bridge.history.max-events=0")).hasStackTraceContaining("bridge.history")
			.hasStackTraceContaining("maxEvents")
			.hasStackTraceContaining("must be greater than or equal to 1");
		assertThatThrownBy(() -> start("bridge.redis.key-prefix=has space")).hasStackTraceContaining("bridge.redis")
			.hasStackTraceContaining("keyPrefix")
			.hasStackTraceContaining("must be 1 to 32 letters, digits");
		assertThatThrownBy(() -> start("bridge.retention.ended-meetings=0s"))
			.hasStackTraceContaining("bridge.retention")
			.hasStackTraceContaining("endedMeetings");
		assertThatThrownBy(() -> start("bridge.chat.max-length=many"))
			.hasStackTraceContaining("bridge.chat.max-length");
		// Spring Boot's failure report names each property (in its camel-case form).
		assertThat(output.toString()).containsPattern("Property: bridge\\.history\\.max(-e|E)vents")
			.containsPattern("Property: bridge\\.redis\\.key(-p|P)refix")
			.containsPattern("Property: bridge\\.retention\\.ended(-m|M)eetings")
			.contains("bridge.chat.max-length");
	}

	/**
	 * Starts the way the service does, so that Spring Boot's failure report is what an
	 * operator sees.
	 */
	private static void start(String property) {
		new SpringApplicationBuilder(Properties.class).web(WebApplicationType.NONE).run("--" + property).close();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(BridgeProperties.class)
	@ImportAutoConfiguration(ValidationAutoConfiguration.class)
	static class Properties {

	}

}
