package dev.meetingbridge.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * The REST controllers are plain blocking code (they wait for Redis): WebFlux runs them
 * on virtual threads, never on the event loops that carry every WebSocket.
 */
@Configuration(proxyBeanMethods = false)
class WebConfig implements WebFluxConfigurer {

	@Override
	public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("http-");
		executor.setVirtualThreads(true);
		configurer.setExecutor(executor);
	}

}
