package dev.meetingbridge.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;

/** The Lua scripts' source, each in {@code redis/<name>.lua} on the class path. */
public final class ScriptSource {

	private ScriptSource() {
	}

	public static String read(String name) {
		try {
			return new ClassPathResource("redis/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read Redis script " + name, ex);
		}
	}

}
