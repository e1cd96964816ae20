package dev.stompbox.connection;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import dev.stompbox.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Close codes of PROTOCOL.md section 6, chosen from the ERROR frame that ends a
 * connection.
 */
class CloseCodesTests {

	/** Auth failures close 1008, a frame too large 1009, other protocol failures 1002. */
	@ParameterizedTest(name = "{0} closes {1}")
	@CsvSource({ "UNAUTHORIZED, 1008", "FORBIDDEN, 1008", "TOO_LARGE, 1009", "BAD_REQUEST, 1002", "INTERNAL, 1002" })
	void eachFailureClosesWithTheCodeOfItsKind(ErrorCode code, int closeCode) {
		assertThat(CloseCodes.forError(code)).isEqualTo(new CloseStatus(closeCode));
	}

	@Test
	void tryAgainLaterIs1013() {
		assertThat(CloseCodes.TRY_AGAIN_LATER.getCode()).isEqualTo(1013);
	}

	@ParameterizedTest
	@EnumSource(ErrorCode.class)
	void closeCodeIsReadFromTheErrorFrameTheServerSends(ErrorCode code) {
		TextMessage frame = new TextMessage(StompErrorFrames.encode(code.exception("because")));
		assertThat(CloseCodes.forErrorFrame(frame)).isEqualTo(CloseCodes.forError(code));
	}

	@Test
	void framesOtherThanErrorChooseNoCloseCode() {
		assertThat(CloseCodes.forErrorFrame(new TextMessage("MESSAGE\ndestination:/x\nmessage:too-large\n\n\u0000")))
			.isNull();
		assertThat(CloseCodes.forErrorFrame(new TextMessage("\n"))).isNull();
		assertThat(CloseCodes.forErrorFrame(new BinaryMessage(new byte[] { 'E', 'R', 'R', 'O', 'R', '\n' }))).isNull();
	}

	@Test
	void messageHeaderIsReadOnlyAmongTheHeaders() {
		TextMessage frame = new TextMessage("ERROR\ncontent-type:text/plain\n\nbody\nmessage:too-large\n\u0000");
		assertThat(CloseCodes.forErrorFrame(frame)).isNull();
	}

	@Test
	void unknownCodeInAnErrorFrameCloses1002() {
		assertThat(CloseCodes.forErrorFrame(new TextMessage("ERROR\nmessage:whatever\n\n\u0000")))
			.isEqualTo(CloseStatus.PROTOCOL_ERROR);
	}

	@Test
	void rememberedCodeIsChosenOverTheFallback() {
		Map<String, Object> attributes = new HashMap<>();
		assertThat(CloseCodes.chosen(attributes, CloseStatus.PROTOCOL_ERROR)).isEqualTo(CloseStatus.PROTOCOL_ERROR);
		CloseCodes.remember(attributes, CloseStatus.TOO_BIG_TO_PROCESS);
		assertThat(CloseCodes.chosen(attributes, CloseStatus.PROTOCOL_ERROR)).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS);
	}

	@ParameterizedTest
	@EnumSource(ErrorCode.class)
	void errorCodeIsReadFromTheErrorFrameForTheErrorCounter(ErrorCode code) {
		TextMessage frame = new TextMessage(StompErrorFrames.encode(code.exception("because")));
		assertThat(CloseCodes.errorCodeOf(frame)).isEqualTo(code);
	}

	@Test
	void framesWithoutACatalogueCodeCountAsNoError() {
		// What Spring answers a DISCONNECT without receipt with.
		assertThat(CloseCodes.errorCodeOf(new TextMessage("ERROR\nmessage:Session closed.\n\n\u0000"))).isNull();
		assertThat(CloseCodes.errorCodeOf(new TextMessage("MESSAGE\nmessage:too-large\n\n\u0000"))).isNull();
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
