/**
 * Cluster mode's shared Redis plumbing: every key and channel name ({@code RedisKeys}),
 * the connections, scripts by SHA, channel subscriptions, changes that must hold through
 * a blip, the availability probe, and {@code REDIS_URL}.
 */
package dev.stompbox.redis;
