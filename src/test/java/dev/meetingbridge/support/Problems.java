package dev.meetingbridge.support;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the problem details of refused REST requests. */
public final class Problems {

	private Problems() {
	}

	/** A problem detail with the status and code, and no internals. */
	public static void assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		assertThat(response.json().path("status").asInt()).isEqualTo(status);
		assertThat(response.text()).doesNotContain("Exception").doesNotContain("at dev.");
	}

	/** A {@code validation-failed} problem naming the field among its errors. */
	public static void assertValidationFailed(Api.Response response, String field) {
		assertProblem(response, 400, "validation-failed");
		assertThat(response.json().path("errors").values()).as(response.toString()).anySatisfy((error) -> {
			assertThat(error.path("field").asString()).isEqualTo(field);
			assertThat(error.path("message").asString()).isNotBlank();
		});
	}

}
