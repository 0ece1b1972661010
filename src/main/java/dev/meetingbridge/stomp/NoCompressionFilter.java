package dev.meetingbridge.stomp;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Declines permessage-deflate on the STOMP endpoint. Browsers and the {@code ws} client offer it,
 * and Tomcat would then compress every message separately for every session: measured here, that
 * alone cut fan-out throughput about twentyfold (PERFORMANCE.md). Events are small JSON
 * documents; bandwidth is cheaper than that CPU. Tomcat negotiates the extension from the request
 * header even when the handshake handler selects none, so the offer is hidden from it.
 */
@Component
class NoCompressionFilter extends OncePerRequestFilter {

	private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"/ws".equals(request.getRequestURI()) || request.getHeader(EXTENSIONS) == null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(new HttpServletRequestWrapper(request) {

			@Override
			public String getHeader(String name) {
				return EXTENSIONS.equalsIgnoreCase(name) ? null : super.getHeader(name);
			}

			@Override
			public Enumeration<String> getHeaders(String name) {
				return EXTENSIONS.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
			}

			@Override
			public Enumeration<String> getHeaderNames() {
				return Collections.enumeration(Collections.list(super.getHeaderNames())
					.stream()
					.filter((header) -> !EXTENSIONS.equalsIgnoreCase(header))
					.toList());
			}

		}, response);
	}

}
