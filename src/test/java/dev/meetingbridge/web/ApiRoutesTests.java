package dev.meetingbridge.web;

import java.util.Set;
import java.util.TreeSet;

import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's route table and the controllers' annotations (from which the OpenAPI
 * document is made) describe the same API; a path that is no route is left to the
 * framework behind the edge.
 */
class ApiRoutesTests extends IntegrationTest {

	@Autowired
	private ApiRoutes routes;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	private RequestMappingHandlerMapping mappings;

	@Test
	void everyAnnotatedEndpointHasItsRouteAndEveryRouteItsEndpoint() {
		Set<String> annotated = new TreeSet<>();
		this.mappings.getHandlerMethods()
			.keySet()
			.forEach((info) -> info.getPatternsCondition()
				.getPatterns()
				.stream()
				.filter((pattern) -> pattern.getPatternString().startsWith("/api/"))
				.forEach((pattern) -> info.getMethodsCondition()
					.getMethods()
					.forEach((method) -> annotated.add(method.name() + " " + pattern.getPatternString()))));
		Set<String> routed = new TreeSet<>();
		this.routes.all().forEach((route) -> routed.add(route.method().name() + " " + route.template()));
		assertThat(routed).isEqualTo(annotated).hasSize(17);
	}

	@Test
	void pathsThatAreNoRouteAreLeftToTheFramework() {
		String meeting = "/api/meetings/mars";
		assertThat(this.routes.match(HttpMethod.GET, meeting)).isNotNull();
		assertThat(this.routes.match(HttpMethod.PUT, meeting)).isNull();
		for (String path : new String[] { "/api/meetings/ma;rs", "/api/meetings/-mars", "/api/meetings//x",
				"/api/meetings/mars/", "/api/meetings/mars/unknown", "/api/meetings/%6Dars" }) {
			assertThat(this.routes.match(HttpMethod.GET, path)).as(path).isNull();
		}
		ApiRoutes.Match match = this.routes.match(HttpMethod.DELETE, "/api/meetings/mars/participants/alice");
		assertThat(match).isNotNull();
		assertThat(match.variables()).containsEntry("meetingId", "mars").containsEntry("participantId", "alice");
	}

}
