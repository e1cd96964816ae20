package dev.stompbox.sockjs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.ServerHttpResponse;

/** The response to a relayed {@code xhr_send}, kept to be sent back whole. */
final class CapturedResponse implements ServerHttpResponse {

	private final HttpHeaders headers = new HttpHeaders();

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private HttpStatusCode status = HttpStatus.OK;

	@Override
	public void setStatusCode(HttpStatusCode status) {
		this.status = status;
	}

	int status() {
		return this.status.value();
	}

	String body() {
		return this.body.toString(StandardCharsets.UTF_8);
	}

	@Override
	public OutputStream getBody() {
		return this.body;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

}
