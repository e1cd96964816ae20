package dev.stompbox.instance;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Tells the operator of a jar processed for another configuration the three ways out:
 * start it as it was processed, process one for this configuration, or start without the
 * processed code.
 */
class ProcessedModeFailureAnalyzer extends AbstractFailureAnalyzer<ProcessedModeMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ProcessedModeMismatchException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Start it configured as it was built; or build it for this configuration "
						+ "(docs/operations.md, \"Start time\"); or start it without the code processed ahead of "
						+ "time, which takes longer: JDK_JAVA_OPTIONS=-Dspring.aot.enabled=false.",
				cause);
	}

}
