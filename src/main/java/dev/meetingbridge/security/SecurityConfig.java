package dev.meetingbridge.security;

import java.io.IOException;

import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemDetails;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Every {@code /api/**} request needs a bearer JWT; health, info, metrics, API documents, the
 * console and the WebSocket handshake do not (STOMP {@code CONNECT} authenticates itself).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

	/**
	 * No observation per security filter, authentication and authorization: on a REST call that
	 * does little else they were a large share of its CPU. Requests are still timed as a whole
	 * ({@code http.server.requests}); refusals show there by status.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}


	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, TokenAuthenticator authenticator, JsonMapper json)
			throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/api/**").authenticated().anyRequest().permitAll())
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.jwtAuthenticationConverter(authenticator))
				.authenticationEntryPoint((request, response, ex) -> write(response, json, Problem.UNAUTHENTICATED,
						"A valid bearer token is required"))
				.accessDeniedHandler((request, response, ex) -> write(response, json, Problem.FORBIDDEN, "Not allowed")))
			.exceptionHandling((handling) -> handling
				.authenticationEntryPoint((request, response, ex) -> write(response, json, Problem.UNAUTHENTICATED,
						"A valid bearer token is required"))
				.accessDeniedHandler((request, response, ex) -> write(response, json, Problem.FORBIDDEN, "Not allowed")))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// Bearer tokens only, never cookies: there is no ambient credential for CSRF to abuse.
			.csrf((csrf) -> csrf.disable())
			.httpBasic((basic) -> basic.disable())
			.formLogin((form) -> form.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	/** Requests the firewall refuses (ambiguous or encoded paths) get a problem detail like every other refusal. */
	@Bean
	RequestRejectedHandler requestRejectedHandler(JsonMapper json) {
		return (request, response, ex) -> write(response, json, Problem.BAD_REQUEST,
				"The request path or headers are not acceptable");
	}

	private static void write(HttpServletResponse response, JsonMapper json, Problem problem, String detail)
			throws IOException {
		response.setStatus(problem.status().value());
		if (problem == Problem.UNAUTHENTICATED) {
			response.setHeader("WWW-Authenticate", "Bearer");
		}
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		json.writeValue(response.getOutputStream(), ProblemDetails.of(problem, detail));
	}

}
