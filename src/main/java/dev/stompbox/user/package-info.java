/**
 * Per-user events ({@code UserEvents}, local or routed through Redis) and per-session
 * replies ({@code SessionReplies}): ACKs, errors and system notices on the user queues.
 */
package dev.stompbox.user;
