/**
 * The HTTP server API for backends, its body limit, and the Redis ingress channel, which
 * delivers each message exactly once across instances.
 */
package dev.stompbox.api;
