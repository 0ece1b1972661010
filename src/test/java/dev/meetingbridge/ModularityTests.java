package dev.meetingbridge;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the feature packages honest: no cycles, no reaching into another feature's
 * internals.
 */
class ModularityTests {

	/** Every module; each lists what it may use. */
	private static final List<String> DECLARING = List.of("ids", "problem", "idempotency", "config", "store",
			"security", "meeting", "connection", "chat", "presence", "event", "webhook", "web", "stomp");

	private final ApplicationModules modules = ApplicationModules.of(MeetingBridgeApplication.class);

	/** Also enforces each module's {@code allowedDependencies}. */
	@Test
	void featurePackagesRespectTheirBoundaries() {
		this.modules.verify();
	}

	@Test
	void domainModulesDeclareTheirAllowedDependencies() throws Exception {
		for (String name : DECLARING) {
			ApplicationModule declaration = Class.forName("dev.meetingbridge." + name + ".package-info")
				.getAnnotation(ApplicationModule.class);
			assertThat(declaration).as(name).isNotNull();
			assertThat(this.modules.getModuleByName(name)).as(name).isPresent();
		}
		assertThat(allowed("problem")).isEmpty();
		assertThat(allowed("ids")).containsExactly("problem");
		assertThat(allowed("idempotency")).containsExactly("problem");
		assertThat(allowed("meeting")).doesNotContain("connection", "chat", "presence");
		assertThat(allowed("connection")).doesNotContain("chat", "presence");
		// Nothing below the transport knows it: the two edges are independent of each
		// other.
		assertThat(allowed("web")).doesNotContain("stomp", "event", "presence");
		assertThat(allowed("stomp")).doesNotContain("web", "store");
	}

	@Test
	void storesAreInternalToTheirFeature() throws Exception {
		for (String store : List.of("meeting.MeetingStore", "connection.ConnectionStore", "chat.ChatStore",
				"presence.PresenceStore")) {
			Class<?> type = Class.forName("dev.meetingbridge." + store);
			assertThat(Modifier.isPublic(type.getModifiers())).as(store).isFalse();
		}
	}

	@Test
	void writesTheModuleDocumentation() {
		new Documenter(this.modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
	}

	private static Set<String> allowed(String module) throws ClassNotFoundException {
		return Set.of(Class.forName("dev.meetingbridge." + module + ".package-info")
			.getAnnotation(ApplicationModule.class)
			.allowedDependencies());
	}

}
