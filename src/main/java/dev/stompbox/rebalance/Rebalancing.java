package dev.stompbox.rebalance;

/**
 * What {@code STOMPBOX_REBALANCE} may name: {@code off}, or {@code revision},
 * {@code load} or both.
 */
public enum Rebalancing {

	OFF, REVISION, LOAD

}
