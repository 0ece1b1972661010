package dev.meetingbridge.web;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.meetingbridge.problem.Problem;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The OpenAPI document at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}):
 * every endpoint with its bodies, the bearer scheme, and the problem details each refusal
 * returns, with their stable {@code code}s. The STOMP side is described by
 * {@code /asyncapi.yaml}.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
		info = @Info(title = "meeting-bridge",
				description = "Connected meetings: participants, connections, chat and ending across meetings. "
						+ "Live events over STOMP are described in /asyncapi.yaml.",
				version = "1"),
		security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
		description = "HS256 JWT: sub, exp, and roles [\"server\"] or permissions [allow_join, allow_mod], "
				+ "optional roomId")
class ApiDocumentation {

	/**
	 * Which refusals each status can carry, for every operation's documented responses.
	 */
	private static final Map<Integer, List<Problem>> BY_STATUS = Arrays.stream(Problem.values())
		.filter((problem) -> problem != Problem.INTERNAL_ERROR && problem != Problem.SUBSCRIPTION_LIMIT)
		.collect(Collectors.groupingBy((problem) -> problem.status().value(), LinkedHashMap::new, Collectors.toList()));

	/**
	 * The AsyncAPI document as YAML: the static resource handler knows no type for
	 * {@code .yaml} and would serve it as {@code application/octet-stream}.
	 */
	@Bean
	RouterFunction<ServerResponse> asyncApiDocument() {
		ClassPathResource document = new ClassPathResource("static/asyncapi.yaml");
		org.springframework.http.MediaType yaml = org.springframework.http.MediaType.parseMediaType("application/yaml");
		return RouterFunctions.route()
			.GET("/asyncapi.yaml", (request) -> ServerResponse.ok().contentType(yaml).bodyValue(document))
			.HEAD("/asyncapi.yaml", (request) -> ServerResponse.ok().contentType(yaml).bodyValue(document))
			.build();
	}

	@Bean
	OpenApiCustomizer problemDocumentation() {
		return (openApi) -> {
			openApi.getComponents().addSchemas("Problem", problemSchema());
			openApi.getPaths().values().forEach((path) -> path.readOperations().forEach(ApiDocumentation::addProblems));
		};
	}

	private static void addProblems(Operation operation) {
		BY_STATUS.forEach((status, problems) -> {
			if (status == 413 || status == 415 || status == 429) {
				// Listed only where a body is read or chat is sent (elsewhere: noise).
				if (operation.getRequestBody() == null) {
					return;
				}
			}
			String codes = problems.stream().map(Problem::code).collect(Collectors.joining(", "));
			operation.getResponses()
				.putIfAbsent(Integer.toString(status),
						new ApiResponse().description("Problem detail; code one of: " + codes)
							.content(new Content().addMediaType("application/problem+json",
									new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")))));
		});
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static Schema<?> problemSchema() {
		ObjectSchema error = new ObjectSchema();
		error.addProperty("field", new StringSchema());
		error.addProperty("message", new StringSchema());
		StringSchema code = new StringSchema();
		Arrays.stream(Problem.values())
			.filter((problem) -> problem != Problem.SUBSCRIPTION_LIMIT)
			.forEach((problem) -> code.addEnumItem(problem.code()));
		ObjectSchema schema = new ObjectSchema();
		schema.description("RFC 9457 problem detail with a stable code");
		schema.addProperty("type", new StringSchema());
		schema.addProperty("title", new StringSchema());
		schema.addProperty("status", new IntegerSchema());
		schema.addProperty("detail", new StringSchema());
		schema.addProperty("instance", new StringSchema());
		schema.addProperty("code", code);
		schema.addProperty("errors", new ArraySchema().items(error));
		schema.setRequired(List.of("title", "status", "code"));
		return schema;
	}

}
