package dev.meetingbridge.stomp;

import dev.meetingbridge.support.IntegrationTest;
import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idle sessions are what an instance holds most of; their per-session buffers decide how many
 * fit in the heap (the benchmark's scenario 4 measures it). This keeps the sizes from drifting
 * back to Tomcat's 8 KiB defaults unnoticed.
 */
class WebSocketBuffersTests extends IntegrationTest {

	@Autowired
	private ServletContext servletContext;

	@Test
	void sessionsGetSmallReceiveAndWorkBuffers() {
		ServerContainer container = (ServerContainer) this.servletContext
			.getAttribute(ServerContainer.class.getName());
		assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(StompConfig.RECEIVE_BUFFER_SIZE);
		assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(StompConfig.RECEIVE_BUFFER_SIZE);
		assertThat(Integer.getInteger(WebSocketBufferSize.PROPERTY)).isEqualTo(WebSocketBufferSize.SIZE);
	}

}
