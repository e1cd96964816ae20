package dev.stompbox.security;

import java.security.Principal;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.stompbox.error.ErrorCode;

/**
 * An authenticated client. Its name is the user id, which is what Spring's user
 * destinations resolve against. The token itself is not kept.
 */
public final class ClientAuthentication extends AbstractAuthenticationToken {

	private final ClientIdentity identity;

	ClientAuthentication(ClientIdentity identity) {
		super(identity.scopes().stream().map((scope) -> new SimpleGrantedAuthority("SCOPE_" + scope)).toList());
		this.identity = identity;
		setAuthenticated(true);
	}

	/** The identity of a STOMP session's or request's principal. */
	public static ClientIdentity identityOf(@Nullable Principal principal) {
		if (principal instanceof ClientAuthentication authentication) {
			return authentication.identity;
		}
		throw ErrorCode.UNAUTHORIZED.exception("Not authenticated");
	}

	public ClientIdentity identity() {
		return this.identity;
	}

	@Override
	public String getName() {
		return this.identity.userId();
	}

	@Override
	public @Nullable Object getCredentials() {
		return null;
	}

	@Override
	public Object getPrincipal() {
		return this.identity;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ClientAuthentication that && this.identity.equals(that.identity);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.identity);
	}

}
