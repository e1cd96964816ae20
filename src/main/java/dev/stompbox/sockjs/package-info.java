/**
 * SockJS HTTP sessions without session affinity (cluster mode): the instance that opens a
 * session holds it and records it in Redis, and any other instance relays the session's
 * requests to it and streams its answers back.
 */
package dev.stompbox.sockjs;
