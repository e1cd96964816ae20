package dev.stompbox.metrics;

/**
 * Why a client was moved to another instance: the {@code reason} of
 * {@code stompbox.rebalance.moved}.
 */
public enum RebalanceReason {

	/** This instance runs an older revision than instances that are ready. */
	REVISION,

	/** This instance held well over the average of its revision's ready instances. */
	LOAD

}
