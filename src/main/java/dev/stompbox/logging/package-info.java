/**
 * The console's log format ({@code STOMPBOX_LOG_FORMAT}) and the JSON lines Cloud Logging
 * reads.
 */
package dev.stompbox.logging;
