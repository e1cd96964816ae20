package dev.stompbox.connection;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Close codes of PROTOCOL.md section 6, from the error code that ends a connection.
 */
class CloseCodesTests {

	@Test
	void authFailuresClose1008() {
		assertThat(CloseCodes.forError(ErrorCode.UNAUTHORIZED)).isEqualTo(CloseStatus.POLICY_VIOLATION);
		assertThat(CloseCodes.forError(ErrorCode.FORBIDDEN)).isEqualTo(CloseStatus.POLICY_VIOLATION);
	}

	@Test
	void perUserLimitCloses1008() {
		assertThat(CloseCodes.forError(ErrorCode.LIMIT_EXCEEDED)).isEqualTo(CloseStatus.POLICY_VIOLATION);
	}

	@Test
	void tooLargeCloses1009() {
		assertThat(CloseCodes.forError(ErrorCode.TOO_LARGE)).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS);
	}

	@Test
	void otherProtocolFailuresClose1002() {
		assertThat(CloseCodes.forError(ErrorCode.BAD_REQUEST)).isEqualTo(CloseStatus.PROTOCOL_ERROR);
		assertThat(CloseCodes.forError(ErrorCode.INTERNAL)).isEqualTo(CloseStatus.PROTOCOL_ERROR);
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
