package dev.meetingbridge.stomp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Shrinks the buffers Tomcat's WebSocket implementation gives every session (8 KiB each for
 * reading frames, building masked frames and encoding text by default) to 1 KiB: the bridge reads
 * small client frames, sends unmasked frames without that buffer and text it has already encoded.
 * At 10,000 idle sessions that is about 200 MiB of heap. Tomcat takes the size from a system
 * property when its WebSocket classes load, so this runs before the web server starts; a value
 * the operator set ({@code -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=...}) is kept.
 */
class WebSocketBufferSize implements EnvironmentPostProcessor {

	static final String PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	static final int SIZE = 1024;

	private static final Logger logger = LoggerFactory.getLogger(WebSocketBufferSize.class);

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (System.getProperty(PROPERTY) == null) {
			System.setProperty(PROPERTY, Integer.toString(SIZE));
		}
		else {
			logger.debug("Tomcat WebSocket buffers: {} bytes, as set by -D{}", System.getProperty(PROPERTY), PROPERTY);
		}
	}

}
