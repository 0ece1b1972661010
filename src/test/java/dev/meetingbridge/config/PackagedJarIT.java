package dev.meetingbridge.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar (run by failsafe after package): what production runs, without the
 * local-only embedded Redis.
 */
class PackagedJarIT {

	@Test
	void theJarLeavesTheEmbeddedRedisOut() throws IOException {
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
		}
		assertThat(Files.size(jar)).isPositive();
	}

}
