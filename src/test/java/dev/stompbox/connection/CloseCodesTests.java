package dev.stompbox.connection;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Close codes of PROTOCOL.md section 6, from the error code that ends a connection.
 */
class CloseCodesTests {

	/**
	 * Auth failures and per-user limits close 1008, a frame too large 1009, the rest
	 * 1002.
	 */
	@ParameterizedTest(name = "{0} closes {1}")
	@CsvSource({ "UNAUTHORIZED, 1008", "FORBIDDEN, 1008", "LIMIT_EXCEEDED, 1008", "TOO_LARGE, 1009",
			"BAD_REQUEST, 1002", "INTERNAL, 1002" })
	void eachFailureClosesWithTheCodeOfItsKind(ErrorCode code, int closeCode) {
		assertThat(CloseCodes.forError(code)).isEqualTo(new CloseStatus(closeCode));
	}

	@Test
	void tryAgainLaterIs1013() {
		assertThat(CloseCodes.TRY_AGAIN_LATER.getCode()).isEqualTo(1013);
	}

	@Test
	void rememberedCodeIsChosenOverTheFallback() {
		Map<String, Object> attributes = new HashMap<>();
		assertThat(CloseCodes.remembered(attributes)).isNull();
		assertThat(CloseCodes.chosen(attributes, CloseStatus.PROTOCOL_ERROR)).isEqualTo(CloseStatus.PROTOCOL_ERROR);
		CloseCodes.remember(attributes, CloseStatus.TOO_BIG_TO_PROCESS);
		assertThat(CloseCodes.remembered(attributes)).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS);
		assertThat(CloseCodes.chosen(attributes, CloseStatus.PROTOCOL_ERROR)).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS);
	}

	@Test
	void closeAfterTheClientsDisconnectIsCountedAsNormal() {
		Map<String, Object> attributes = new HashMap<>();
		assertThat(CloseCodes.counted(attributes, CloseStatus.PROTOCOL_ERROR)).isEqualTo(CloseStatus.PROTOCOL_ERROR);
		CloseCodes.disconnectRequested(attributes);
		assertThat(CloseCodes.counted(attributes, CloseStatus.PROTOCOL_ERROR)).isEqualTo(CloseStatus.NORMAL);
	}

	@Test
	void connectionDroppedAfterTheServersCloseIsCountedUnderTheCodeChosen() {
		Map<String, Object> attributes = new HashMap<>();
		CloseCodes.abortedAfterClose(attributes, CloseStatus.SESSION_NOT_RELIABLE);
		assertThat(CloseCodes.counted(attributes, CloseStatus.NO_CLOSE_FRAME))
			.isEqualTo(CloseStatus.SESSION_NOT_RELIABLE);
	}

}
