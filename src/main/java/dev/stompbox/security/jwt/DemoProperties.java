package dev.stompbox.security.jwt;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Whether demo mode was asked for. It is never inferred from a missing key: a secret
 * mount that failed must stop the server, not open it to anyone (PROTOCOL.md section 2).
 *
 * @param demo {@code STOMPBOX_DEMO}: tokens for anyone from
 * {@code POST /auth/demo-token}, signed with a random key
 */
@ConfigurationProperties("stompbox")
public record DemoProperties(@DefaultValue("false") boolean demo) {
}
