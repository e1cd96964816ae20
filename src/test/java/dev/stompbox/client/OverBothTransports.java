package dev.stompbox.client;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.stompbox.support.StompTestClient.Transport;

/**
 * Runs a test once over {@code /ws} and once over {@code /sockjs}: PROTOCOL.md promises
 * both the same.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "over {0}")
@EnumSource(value = Transport.class, names = { "WEBSOCKET", "SOCKJS" })
@interface OverBothTransports {

}
