/**
 * Stompbox's meters ({@code StompboxMetrics}): names, tags and the instance tag; every
 * feature records through it.
 */
package dev.stompbox.metrics;
