package dev.meetingbridge.security;

import java.util.Set;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.InvalidTokenException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemResponses;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Every {@code /api/**} request needs a bearer JWT; health, info, metrics, API documents,
 * the console and the WebSocket handshake do not (STOMP {@code CONNECT} authenticates
 * itself).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

	private static final Set<HttpMethod> STANDARD_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
			HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

	/**
	 * No observation per security filter, authentication and authorization: a request is
	 * timed as a whole ({@code http.server.requests}), where refusals show by status, and
	 * a span per filter would add work to every request for detail nobody reads.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, TokenAuthenticator authenticator,
			ProblemResponses problems) {
		ServerAuthenticationEntryPoint unauthenticated = (exchange, ex) -> problems.write(exchange,
				(ex instanceof OAuth2AuthenticationException) ? new InvalidTokenException()
						: new BridgeException(Problem.UNAUTHENTICATED, "A valid bearer token is required"));
		ServerAccessDeniedHandler denied = (exchange, ex) -> problems.write(exchange,
				BridgeException.forbidden("Not allowed"));
		http.authorizeExchange(
				(exchanges) -> exchanges.pathMatchers("/api/**").authenticated().anyExchange().permitAll())
			.oauth2ResourceServer((server) -> server
				.jwt((jwt) -> jwt
					.jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(authenticator)))
				.authenticationEntryPoint(unauthenticated)
				.accessDeniedHandler(denied))
			// Stateless: every request carries its token, nothing is kept between them.
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			// Bearer tokens only, no cookies: no ambient credential for CSRF to abuse.
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			// Spring Security's default headers, from one writer (ResponseHeaders).
			.headers(ServerHttpSecurity.HeaderSpec::disable)
			.addFilterAt(new HttpHeaderWriterWebFilter(new ResponseHeaders()),
					SecurityWebFiltersOrder.HTTP_HEADERS_WRITER);
		return http.build();
	}

	/**
	 * Spring Security's strict firewall with its own rules, only the header checks done
	 * without regular expressions ({@link HeaderCharacters}).
	 */
	@Bean
	ServerWebExchangeFirewall exchangeFirewall() {
		StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
		firewall.setAllowedHeaderNames(HeaderCharacters.NAMES);
		firewall.setAllowedHeaderValues(HeaderCharacters.VALUES);
		return firewall;
	}

	/**
	 * Requests the firewall refuses get a problem detail like every other refusal: 405
	 * for a method outside HTTP's usual ones (TRACE, say), 400 for ambiguous or encoded
	 * paths.
	 */
	@Bean
	ServerExchangeRejectedHandler exchangeRejectedHandler(ProblemResponses problems) {
		return (exchange, ex) -> {
			HttpMethod method = exchange.getRequest().getMethod();
			BridgeException refusal = STANDARD_METHODS.contains(method)
					? new BridgeException(Problem.BAD_REQUEST, "The request path or headers are not acceptable")
					: BridgeException.methodNotAllowed(method.name());
			return problems.write(exchange, refusal);
		};
	}

}
