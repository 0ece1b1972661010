package dev.meetingbridge.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.meetingbridge.ids.IdFormat;
import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.stereotype.Component;

/**
 * Turns a verified JWT into a {@link BridgePrincipal}: used by Spring Security's resource
 * server for REST and directly for STOMP {@code CONNECT}.
 */
@Component
public class TokenAuthenticator implements Converter<Jwt, AbstractAuthenticationToken> {

	private final JwtDecoder decoder;

	TokenAuthenticator(JwtDecoder decoder) {
		this.decoder = decoder;
	}

	/**
	 * Verifies a bare token; null when it is missing, malformed, badly signed or expired.
	 */
	public @Nullable BridgePrincipal authenticate(String token) {
		try {
			return principalOf(this.decoder.decode(token));
		}
		catch (JwtException | InvalidBearerTokenException ex) {
			return null;
		}
	}

	@Override
	public AbstractAuthenticationToken convert(Jwt jwt) {
		return new BridgeAuthentication(principalOf(jwt), jwt);
	}

	static BridgePrincipal principalOf(Jwt jwt) {
		String subject = jwt.getSubject();
		if (hasRole(jwt.getClaim("roles"), "server")) {
			return BridgePrincipal.server(subject);
		}
		if (subject == null || !IdFormat.isValid(subject)) {
			throw new InvalidBearerTokenException("The token's sub is not a valid participant id");
		}
		Set<Permission> permissions = EnumSet.noneOf(Permission.class);
		Object claim = jwt.getClaim("permissions");
		if (claim instanceof Collection<?> values) {
			for (Object value : values) {
				Permission.fromClaim(String.valueOf(value)).ifPresent(permissions::add);
			}
		}
		Object roomId = jwt.getClaim("roomId");
		return BridgePrincipal.participant(subject, permissions, roomId instanceof String room ? room : null);
	}

	private static boolean hasRole(@Nullable Object roles, String role) {
		return (roles instanceof Collection<?> values && values.contains(role)) || role.equals(roles);
	}

	/** The authenticated request: its principal is the {@link BridgePrincipal}. */
	static final class BridgeAuthentication extends AbstractAuthenticationToken {

		private final BridgePrincipal principal;

		private final Jwt jwt;

		BridgeAuthentication(BridgePrincipal principal, Jwt jwt) {
			super(principal.server() ? AuthorityUtils.createAuthorityList("ROLE_SERVER") : List.of());
			this.principal = principal;
			this.jwt = jwt;
			setAuthenticated(true);
		}

		@Override
		public Object getCredentials() {
			return this.jwt;
		}

		@Override
		public BridgePrincipal getPrincipal() {
			return this.principal;
		}

		@Override
		public String getName() {
			return this.principal.getName();
		}

	}

}
