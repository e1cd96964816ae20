package dev.stompbox.api;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;

/**
 * Every HTTP failure as {@code {"error", "message"}} with the status its code maps to.
 */
@RestControllerAdvice
class ApiErrors {

	private static final Log logger = LogFactory.getLog(ApiErrors.class);

	@ExceptionHandler(StompboxException.class)
	ResponseEntity<ApiError> known(StompboxException ex) {
		return respond(ex);
	}

	@ExceptionHandler({ HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class,
			HttpMediaTypeNotSupportedException.class })
	ResponseEntity<ApiError> unreadable(Exception ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof StompboxException known) {
				return respond(known);
			}
		}
		return respond(ErrorCode.BAD_REQUEST.exception("The request could not be read"));
	}

	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException ex) {
		return ResponseEntity.status(405).body(new ApiError("bad-request", ex.getMessage()));
	}

	@ExceptionHandler(NoResourceFoundException.class)
	ResponseEntity<ApiError> notFound(NoResourceFoundException ex) {
		return respond(ErrorCode.NOT_FOUND.exception("Not found"));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ApiError> unexpected(Exception ex) {
		StompboxException translated = StompboxException.from(ex);
		if (translated.code() == ErrorCode.INTERNAL) {
			logger.error("Server API request failed", ex);
		}
		return respond(translated);
	}

	private static ResponseEntity<ApiError> respond(StompboxException ex) {
		return ResponseEntity.status(ex.code().httpStatus()).body(new ApiError(ex.code().code(), ex.getMessage()));
	}

	record ApiError(String error, String message) {
	}

}
