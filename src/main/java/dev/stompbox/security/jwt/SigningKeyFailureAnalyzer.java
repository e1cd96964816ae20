package dev.stompbox.security.jwt;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a missing key setting into the operator's two lines: what, and what to do. */
class SigningKeyFailureAnalyzer extends AbstractFailureAnalyzer<SigningKeyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SigningKeyException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
