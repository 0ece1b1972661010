package dev.meetingbridge.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar (run by failsafe after package): what production runs, without the
 * local-only embedded Redis, with the project's license and notice.
 */
class PackagedJarIT {

	@Test
	void theJarLeavesTheEmbeddedRedisOutAndCarriesTheLicense() throws IOException {
		String location = System.getProperty("bridge.packaged.jar");
		assertThat(location).as("bridge.packaged.jar (set by the failsafe configuration)").isNotBlank();
		Path jar = Path.of(location);
		assertThat(jar).exists();
		try (JarFile file = new JarFile(jar.toFile())) {
			List<String> libraries = file.stream()
				.map(ZipEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.toList();
			assertThat(libraries).as("a repackaged jar with its libraries")
				.anyMatch((name) -> name.contains("spring-core"));
			assertThat(libraries).noneMatch((name) -> name.contains("embedded-redis"));
			assertThat(file.getEntry("BOOT-INF/classes/dev/meetingbridge/config/LocalRedis.class")).isNotNull();
			assertThat(text(file, "META-INF/LICENSE")).contains("Apache License");
			assertThat(text(file, "META-INF/NOTICE")).startsWith("meeting-bridge").contains("Apache Maven Wrapper");
		}
		assertThat(Files.size(jar)).isPositive();
	}

	private static String text(JarFile file, String name) throws IOException {
		ZipEntry entry = file.getEntry(name);
		assertThat(entry).as(name).isNotNull();
		try (var in = file.getInputStream(entry)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
