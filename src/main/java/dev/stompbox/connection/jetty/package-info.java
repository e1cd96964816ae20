/**
 * Jetty under the endpoints: its request threads and accept queue, the Jakarta WebSocket
 * upgrade with one shared configurator, and what the container keeps of a connection (the
 * upgrade request, the handshake's observation). Tuning only: nothing here reads a STOMP
 * frame or decides about a client.
 */
package dev.stompbox.connection.jetty;
