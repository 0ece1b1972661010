package dev.meetingbridge.web;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Binds the typed ids from path variables, each reporting a bad id under its own field
 * (the refusal reaches {@link ProblemAdvice} as the cause of the type mismatch); the
 * OpenAPI document shows them as the strings they are.
 */
@Configuration(proxyBeanMethods = false)
class IdBinding implements WebFluxConfigurer {

	static {
		SpringDocUtils.getConfig()
			.replaceWithClass(MeetingId.class, String.class)
			.replaceWithClass(ParticipantId.class, String.class)
			.replaceWithClass(ConnectionId.class, String.class);
	}

	@Override
	public void addFormatters(FormatterRegistry registry) {
		registry.addConverter(String.class, MeetingId.class, MeetingId::of);
		registry.addConverter(String.class, ParticipantId.class, ParticipantId::of);
		registry.addConverter(String.class, ConnectionId.class, ConnectionId::of);
	}

}
