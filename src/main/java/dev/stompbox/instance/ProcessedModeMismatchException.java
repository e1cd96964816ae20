package dev.stompbox.instance;

/**
 * A start of a jar processed by Spring AOT whose configuration needs other beans than
 * those processed.
 */
class ProcessedModeMismatchException extends RuntimeException {

	ProcessedModeMismatchException(ProcessedMode processed, ProcessedMode started) {
		super("This jar was processed ahead of time (Spring AOT) for " + processed.differencesFrom(started)
				+ ", but is started for " + started.differencesFrom(processed)
				+ ". Which beans run was decided when it was built.");
	}

}
