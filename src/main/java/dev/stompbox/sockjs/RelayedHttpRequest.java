package dev.stompbox.sockjs;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpAsyncRequestControl;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;

/**
 * A request of a SockJS session that arrived at another instance, as the session's own
 * transport handler here sees it: its body, and for a receiving request the control that
 * keeps it open, which is the relayed response itself. It has no principal, as a request
 * with only a token in its address has none.
 */
final class RelayedHttpRequest implements ServerHttpRequest {

	private static final URI URI_OF_RELAYED = URI.create("http://relayed/sockjs");

	private final byte[] body;

	private final HttpHeaders headers = new HttpHeaders();

	private final Map<String, Object> attributes = new HashMap<>();

	private final @Nullable ServerHttpAsyncRequestControl control;

	private RelayedHttpRequest(byte[] body, @Nullable ServerHttpAsyncRequestControl control) {
		this.body = body;
		this.control = control;
		this.headers.setContentType(new MediaType("text", "plain", StandardCharsets.UTF_8));
	}

	/** An {@code xhr_send} with this body. */
	static RelayedHttpRequest send(String body) {
		return new RelayedHttpRequest(body.getBytes(StandardCharsets.UTF_8), null);
	}

	/** A receiving request whose response, relayed, is also what keeps it open. */
	static RelayedHttpRequest receive(ServerHttpAsyncRequestControl control) {
		return new RelayedHttpRequest(new byte[0], control);
	}

	@Override
	public HttpMethod getMethod() {
		return HttpMethod.POST;
	}

	@Override
	public URI getURI() {
		return URI_OF_RELAYED;
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public InputStream getBody() {
		return new ByteArrayInputStream(this.body);
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return null;
	}

	@Override
	public InetSocketAddress getLocalAddress() {
		return InetSocketAddress.createUnresolved("relayed", 0);
	}

	@Override
	public InetSocketAddress getRemoteAddress() {
		return InetSocketAddress.createUnresolved("relayed", 0);
	}

	@Override
	public ServerHttpAsyncRequestControl getAsyncRequestControl(ServerHttpResponse response) {
		if (this.control == null) {
			throw new IllegalStateException("A relayed xhr_send is answered at once");
		}
		return this.control;
	}

}
